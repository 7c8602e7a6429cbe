function InvokeGraphCommand {
    <#
    .SYNOPSIS
    Runs one Graph request through the core for a public cmdlet, and presents the reply as the
    SDK does: the output objects, the -ResponseHeadersVariable and -CountVariable, or a
    non-terminating ErrorRecord.
    .DESCRIPTION
    The core's log lines (when -Debug or -Verbose is on) go to the debug or verbose stream. Errors
    are written through the public cmdlet (its -ErrorAction and -ErrorVariable apply) and
    attributed to the SDK's internal cmdlet, e.g. Invoke-MgBetaInviteCommunicationCallParticipant_Invite.
    If the core cannot be reached at all, that is a terminating error.
    Output objects are named for the model of the Graph type the reply gives for each (a derived
    type when the object's @odata.type says so); a count is an [int]; a request that returns no
    content writes $true with -PassThru, else nothing.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject], [int], [bool])]
    param(
        # The public cmdlet ($PSCmdlet) the request is made for.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # beta or v1.0: which SDK namespace names the models and cmdlets.
        [Parameter(Mandatory)]
        [ValidateSet('beta', 'v1.0')]
        [string] $ApiVersion,

        # The core operation: command, or invite (the invite cmdlets').
        [Parameter(Mandatory)]
        [string] $Operation,

        # Its arguments.
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $Arguments,

        # The SDK's internal cmdlet name, e.g. Invoke-MgBetaInviteCommunicationCallParticipant_Invite.
        [Parameter(Mandatory)]
        [string] $CommandName,

        # The caller's -Headers; values are sent as text, as the SDK's ToString() does.
        [System.Collections.IDictionary] $Headers,

        # The error's TargetObject (the SDK's: the ids, headers and body of the request).
        [AllowNull()]
        [object] $TargetObject,

        # The name of the global variable that receives the response headers on success.
        [string] $ResponseHeadersVariable,

        # The name of the caller's variable that receives the list's @odata.count.
        [string] $CountVariable,

        # Write $true for a request that returns no content.
        [switch] $PassThru,

        # Only plan the request (-WhatIf): return the core's plan; sends nothing, needs no token
        # (nor a connection).
        [switch] $Plan
    )

    if ($Plan) { $Arguments['what_if'] = $true }
    if ($Headers) {
        $requestHeaders = [ordered]@{}
        foreach ($entry in $Headers.GetEnumerator()) {
            if ($null -ne $entry.Value) { $requestHeaders[[string]$entry.Key] = [string]$entry.Value }
        }
        $Arguments['headers'] = $requestHeaders
    }
    $namespace = if ($ApiVersion -eq 'beta') { 'Microsoft.Graph.Beta.PowerShell' } else { 'Microsoft.Graph.PowerShell' }

    try {
        $reply = InvokeBridgeLogged -Operation $Operation -Arguments $Arguments
    } catch [System.Management.Automation.PipelineStoppedException], [System.Management.Automation.ActionPreferenceStopException] {
        throw
    } catch {
        $Cmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $_.Exception -ErrorId 'MgBridge.CoreUnavailable' `
                    -Category NotInstalled -CommandName $CommandName -Namespace "$namespace.Cmdlets" -TargetObject $TargetObject))
    }
    if (-not $reply.ok) {
        $Cmdlet.WriteError((NewBridgeErrorRecord -BridgeError $reply.error -CommandName $CommandName `
                    -Namespace "$namespace.Cmdlets" -TargetObject $TargetObject))
        return
    }
    $result = $reply.result
    if ($Plan) { return $result.plan }

    if ($ResponseHeadersVariable) {
        $responseHeaders = [System.Collections.Generic.Dictionary[string, System.Collections.Generic.IEnumerable[string]]]::new(
            [System.StringComparer]::OrdinalIgnoreCase)
        foreach ($header in $result.response_headers.psobject.Properties) {
            $responseHeaders[$header.Name] = [string[]]@($header.Value)
        }
        # As the SDK: always the global scope, whatever scope the script runs in.
        Set-Variable -Name $ResponseHeadersVariable -Value $responseHeaders -Scope Global
    }
    if ($CountVariable) {
        # The public cmdlet's session state is its caller's: the variable lands where the script runs.
        $Cmdlet.SessionState.PSVariable.Set($CountVariable, $result.count)
    }
    if ($Operation -eq 'invite') {
        # The invite operation's reply holds its one object, always an inviteParticipantsOperation.
        ConvertFromBridgeView -View $result.view -TypeName "$namespace.Models.MicrosoftGraphInviteParticipantsOperation"
        return
    }
    switch ($result.returns) {
        'count' { [int]$result.value }
        'nothing' { if ($PassThru) { $true } }
        default {
            $views = @($result.views)
            for ($index = 0; $index -lt $views.Count; $index++) {
                $type = [string]$result.types[$index]
                $model = "MicrosoftGraph$($type.Substring(0, 1).ToUpperInvariant())$($type.Substring(1))"
                ConvertFromBridgeView -View $views[$index] -TypeName "$namespace.Models.$model"
            }
        }
    }
}
