function InvokeParticipantInvite {
    <#
    .SYNOPSIS
    The body of Invoke-MgBetaInviteCommunicationCallParticipant and
    Invoke-MgInviteCommunicationCallParticipant: one invite per identity and body given.
    .DESCRIPTION
    Converts the bound values to plain data (the core shapes them into Graph JSON), asks
    ShouldProcess with the SDK's action and target text, then sends. With -WhatIf nothing is
    sent; the core still plans the request (no token needed) so the verbose stream shows the
    exact request, and a body the real call would refuse is reported now.
    An -InputObject without CallId is the SDK's terminating error.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The public cmdlet's $PSCmdlet.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # beta or v1.0.
        [Parameter(Mandatory)]
        [ValidateSet('beta', 'v1.0')]
        [string] $ApiVersion,

        # The public cmdlet's $PSBoundParameters.
        [Parameter(Mandatory)]
        [System.Collections.Generic.Dictionary[string, object]] $BoundParameters
    )

    $setName = $Cmdlet.ParameterSetName
    $commandName = "$($Cmdlet.MyInvocation.MyCommand.Name)_$setName"
    $namespace = if ($ApiVersion -eq 'beta') { 'Microsoft.Graph.Beta.PowerShell.Cmdlets' } else { 'Microsoft.Graph.PowerShell.Cmdlets' }
    $target = "Call remote 'POST /communications/calls/{call-id}/participants/microsoft.graph.invite' operation"
    $question = "Performing the operation `"$commandName`" on target `"$target`"."

    # Each accepted value kind is converted once here; a value that is not data stops this
    # record only, as the SDK's binding failures do.
    $refusal = $null
    $bodies = @(
        if ($setName -in 'Invite', 'InviteViaIdentity') {
            $items = @($BoundParameters['BodyParameter'])
            for ($index = 0; $index -lt $items.Count -and -not $refusal; $index++) {
                $path = if ($items.Count -gt 1) { "BodyParameter[$index]" } else { 'BodyParameter' }
                [ordered]@{ body = ConvertToBridgeValue -InputObject $items[$index] -Path $path -Refusal ([ref]$refusal) }
            }
        } else {
            $expanded = [ordered]@{}
            if ($BoundParameters.ContainsKey('Participants')) {
                $expanded['participants'] = ConvertToBridgeValue -InputObject @($BoundParameters['Participants']) -Path 'Participants' `
                    -Refusal ([ref]$refusal)
            }
            if ($BoundParameters.ContainsKey('ClientContext')) { $expanded['client_context'] = $BoundParameters['ClientContext'] }
            if ($BoundParameters.ContainsKey('AdditionalProperties') -and -not $refusal) {
                $expanded['additional_properties'] = ConvertToBridgeValue -InputObject $BoundParameters['AdditionalProperties'] `
                    -Path 'AdditionalProperties' -Refusal ([ref]$refusal)
            }
            $expanded
        }
    )
    if ($refusal) {
        $Cmdlet.WriteError((NewBridgeErrorRecord -Exception ([System.ArgumentException]::new($refusal)) -ErrorId 'BodyError' `
                    -Category InvalidArgument -CommandName $commandName -Namespace $namespace))
        return
    }

    $viaIdentity = $setName -like 'InviteViaIdentity*'
    # One pass per identity; the other sets make one pass, with -CallId.
    $identities = [System.Collections.Generic.List[object]]::new()
    if ($viaIdentity) { $identities.AddRange([object[]]@($BoundParameters['InputObject'])) } else { $identities.Add($null) }
    foreach ($identity in $identities) {
        $callId = $BoundParameters['CallId']
        if ($viaIdentity) {
            $callId = GetIdentityValue -InputObject $identity -Name 'CallId' -Refusal ([ref]$refusal)
            if ($refusal) {
                # An ambiguous identity stops this identity only, as a refused body does.
                $Cmdlet.WriteError((NewBridgeErrorRecord -Exception ([System.ArgumentException]::new($refusal)) -ErrorId 'BodyError' `
                            -Category InvalidArgument -CommandName $commandName -Namespace $namespace -TargetObject $identity))
                $refusal = $null
                continue
            }
        }
        if (-not $callId) {
            $missing = [System.Exception]::new('InputObject has null value for InputObject.CallId')
            $Cmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $missing -Category InvalidArgument `
                        -CommandName $commandName -Namespace $namespace -TargetObject $identity))
        }
        foreach ($body in $bodies) {
            $arguments = [ordered]@{ api_version = $ApiVersion; call_id = $callId }
            foreach ($entry in $body.GetEnumerator()) { $arguments[$entry.Key] = $entry.Value }
            $sent = if ($body.Contains('body')) { $body['body'] } else { $body }
            $targetObject = [pscustomobject]@{ CallId = $callId; Headers = $BoundParameters['Headers']; body = $sent }
            $reason = [System.Management.Automation.ShouldProcessReason]::None
            if ($Cmdlet.ShouldProcess($question, "Are you sure you want to perform this action?`n$question", 'Confirm', [ref]$reason)) {
                InvokeGraphCommand -Cmdlet $Cmdlet -Operation 'invite' -Arguments $arguments -CommandName $commandName `
                    -Headers $BoundParameters['Headers'] -TargetObject $targetObject `
                    -ResponseHeadersVariable $BoundParameters['ResponseHeadersVariable']
            } elseif ($reason -eq [System.Management.Automation.ShouldProcessReason]::WhatIf) {
                $plan = InvokeGraphCommand -Cmdlet $Cmdlet -Operation 'invite' -Arguments $arguments -CommandName $commandName `
                    -Headers $BoundParameters['Headers'] -TargetObject $targetObject -Plan
                if ($plan) {
                    Write-Verbose -Message "$($plan.method) $($plan.url)"
                    foreach ($header in $plan.headers.psobject.Properties) { Write-Verbose -Message "$($header.Name): $($header.Value)" }
                    Write-Verbose -Message (ConvertTo-Json -InputObject $plan.body -Depth 100)
                }
            }
        }
    }
}
