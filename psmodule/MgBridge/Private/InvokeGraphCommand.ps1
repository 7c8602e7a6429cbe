function InvokeGraphCommand {
    <#
    .SYNOPSIS
    Runs one Graph request through the core for a public cmdlet, and presents the reply as the
    SDK does: the output object, the -ResponseHeadersVariable, or a non-terminating ErrorRecord.
    .DESCRIPTION
    The core's log lines (when -Debug or -Verbose is on) go to the debug or verbose stream. Errors
    are written through the public cmdlet (its -ErrorAction and -ErrorVariable apply) and
    attributed to the SDK's internal cmdlet, e.g. Invoke-MgBetaInviteCommunicationCallParticipant_Invite.
    If the core cannot be reached at all, that is a terminating error.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The public cmdlet ($PSCmdlet) the request is made for.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The core operation: invite or get_operation.
        [Parameter(Mandatory)]
        [string] $Operation,

        # Its arguments; api_version among them.
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $Arguments,

        # The SDK's internal cmdlet name, e.g. Invoke-MgBetaInviteCommunicationCallParticipant_Invite.
        [Parameter(Mandatory)]
        [string] $CommandName,

        # The caller's -Headers; values are sent as text, as the SDK's ToString() does.
        [System.Collections.IDictionary] $Headers,

        # The error's TargetObject (the SDK's: the identity, headers and body of the request).
        [AllowNull()]
        [object] $TargetObject,

        # The name of the global variable that receives the response headers on success.
        [string] $ResponseHeadersVariable,

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
    $beta = $Arguments['api_version'] -eq 'beta'
    $namespace = if ($beta) { 'Microsoft.Graph.Beta.PowerShell' } else { 'Microsoft.Graph.PowerShell' }

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
    if ($Plan) { return $reply.result.plan }

    if ($ResponseHeadersVariable) {
        $headers = [System.Collections.Generic.Dictionary[string, System.Collections.Generic.IEnumerable[string]]]::new(
            [System.StringComparer]::OrdinalIgnoreCase)
        foreach ($header in $reply.result.response_headers.psobject.Properties) {
            $headers[$header.Name] = [string[]]@($header.Value)
        }
        # As the SDK: always the global scope, whatever scope the script runs in.
        Set-Variable -Name $ResponseHeadersVariable -Value $headers -Scope Global
    }
    if ($reply.result.view) {
        ConvertFromBridgeView -View $reply.result.view -TypeName "$namespace.Models.MicrosoftGraphInviteParticipantsOperation"
    }
}
