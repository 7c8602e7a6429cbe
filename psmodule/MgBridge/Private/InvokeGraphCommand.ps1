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
    A plain function, called positionally by InvokeCallsCommand on every call.
    #>
    [OutputType([pscustomobject], [int], [bool])]
    param(
        # The public cmdlet ($PSCmdlet) the request is made for.
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # beta or v1.0: which SDK namespace names the models and cmdlets.
        [string] $ApiVersion,

        # The core operation: command, or invite (the invite cmdlets').
        [string] $Operation,

        # Its arguments.
        [System.Collections.IDictionary] $Arguments,

        # The SDK's internal cmdlet name, e.g. Invoke-MgBetaInviteCommunicationCallParticipant_Invite.
        [string] $CommandName,

        # The caller's -Headers; values are sent as text, as the SDK's ToString() does.
        [System.Collections.IDictionary] $Headers,

        # What the error's TargetObject is made of (the SDK's: the ids, headers and body of the
        # request): ids (ordered), Headers, and body (the converted body's one entry, if any).
        [System.Collections.IDictionary] $Target,

        # The name of the global variable that receives the response headers on success.
        [string] $ResponseHeadersVariable,

        # The name of the caller's variable that receives the list's @odata.count.
        [string] $CountVariable,

        # Write $true for a request that returns no content.
        [bool] $PassThru,

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

    # Once the host is loaded (the in-process transport loads it), its Views make the output
    # objects, from the reply as -AsHashtable parses it; the rest of the reply is then made into
    # the objects ConvertFrom-Json would have made only where it is read.
    if (-not $script:BridgeViews) { $script:BridgeViews = [bool]('MgBridge.Host.Views' -as [type]) }
    $parsed = $script:BridgeViews
    try {
        $reply = InvokeBridge $Operation $Arguments -Log -AsHashtable:$parsed
    } catch [System.Management.Automation.PipelineStoppedException], [System.Management.Automation.ActionPreferenceStopException] {
        throw
    } catch {
        $namespace = if ($ApiVersion -eq 'beta') { 'Microsoft.Graph.Beta.PowerShell.Cmdlets' } else { 'Microsoft.Graph.PowerShell.Cmdlets' }
        $Cmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $_.Exception -ErrorId 'MgBridge.CoreUnavailable' `
                    -Category NotInstalled -CommandName $CommandName -Namespace $namespace -TargetObject (NewCallsTarget $Target)))
    }
    if (-not $reply.ok) {
        $namespace = if ($ApiVersion -eq 'beta') { 'Microsoft.Graph.Beta.PowerShell.Cmdlets' } else { 'Microsoft.Graph.PowerShell.Cmdlets' }
        $bridgeError = if ($parsed) { [MgBridge.Host.Views]::ToObjects($reply.error) } else { $reply.error }
        $Cmdlet.WriteError((NewBridgeErrorRecord -BridgeError $bridgeError -CommandName $CommandName `
                    -Namespace $namespace -TargetObject (NewCallsTarget $Target)))
        return
    }
    $result = $reply.result
    if ($Plan) {
        if ($parsed) { return [MgBridge.Host.Views]::ToObjects($result.plan) }
        return $result.plan
    }

    if ($ResponseHeadersVariable) {
        $responseHeaders = [System.Collections.Generic.Dictionary[string, System.Collections.Generic.IEnumerable[string]]]::new(
            [System.StringComparer]::OrdinalIgnoreCase)
        $received = if ($parsed) { [MgBridge.Host.Views]::ToObjects($result.response_headers) } else { $result.response_headers }
        foreach ($header in $received.psobject.Properties) {
            $responseHeaders[$header.Name] = [string[]]@($header.Value)
        }
        # As the SDK: always the global scope, whatever scope the script runs in.
        Set-Variable -Name $ResponseHeadersVariable -Value $responseHeaders -Scope Global
    }
    if ($CountVariable) {
        # The public cmdlet's session state is its caller's: the variable lands where the script runs.
        $Cmdlet.SessionState.PSVariable.Set($CountVariable, $result.count)
    }
    $models = if ($ApiVersion -eq 'beta') { 'Microsoft.Graph.Beta.PowerShell.Models' } else { 'Microsoft.Graph.PowerShell.Models' }
    # The output objects: the host's compiled ConvertFromBridgeView once it is loaded, the script
    # one otherwise; both make the same objects.
    if (-not $script:BridgeViews) { $script:BridgeViews = [bool]('MgBridge.Host.Views' -as [type]) }
    if ($Operation -eq 'invite') {
        # The invite operation's reply holds its one object, always an inviteParticipantsOperation.
        if ($script:BridgeViews) {
            [MgBridge.Host.Views]::Present($result.view, "$models.MicrosoftGraphInviteParticipantsOperation")
        } else {
            ConvertFromBridgeView -View $result.view -TypeName "$models.MicrosoftGraphInviteParticipantsOperation"
        }
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
                if ($script:BridgeViews) {
                    [MgBridge.Host.Views]::Present($views[$index], "$models.$model")
                } else {
                    ConvertFromBridgeView -View $views[$index] -TypeName "$models.$model"
                }
            }
        }
    }
}

function NewCallsTarget([System.Collections.IDictionary] $Target) {
    # The SDK's TargetObject of a failed request: its ids, then Headers and the body, as one object.
    $object = [ordered]@{}
    foreach ($entry in $Target['ids'].GetEnumerator()) { $object[$entry.Key] = $entry.Value }
    $object['Headers'] = $Target['Headers']
    if ($Target['body'].Count) { $object['body'] = $Target['body'][0] }
    [pscustomobject]$object
}
