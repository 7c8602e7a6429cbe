function ReadCallOperation {
    <#
    .SYNOPSIS
    The body of Get-MgBetaCommunicationCallOperation and Get-MgCommunicationCallOperation: reads
    one operation of a call, by ids or from an identity object.
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

    $commandName = "$($Cmdlet.MyInvocation.MyCommand.Name)_$($Cmdlet.ParameterSetName)"
    $namespace = if ($ApiVersion -eq 'beta') { 'Microsoft.Graph.Beta.PowerShell.Cmdlets' } else { 'Microsoft.Graph.PowerShell.Cmdlets' }
    $viaIdentity = $Cmdlet.ParameterSetName -eq 'GetViaIdentity'
    # One pass per identity; the Get set makes one pass, with -CallId and -CommsOperationId.
    $identities = [System.Collections.Generic.List[object]]::new()
    if ($viaIdentity) { $identities.AddRange([object[]]@($BoundParameters['InputObject'])) } else { $identities.Add($null) }
    :identities foreach ($identity in $identities) {
        $ids = [ordered]@{ CallId = $BoundParameters['CallId']; CommsOperationId = $BoundParameters['CommsOperationId'] }
        if ($viaIdentity) {
            foreach ($name in @($ids.Keys)) {
                $refusal = $null
                $ids[$name] = GetIdentityValue -InputObject $identity -Name $name -Refusal ([ref]$refusal)
                if ($refusal) {
                    # An ambiguous identity stops this identity only, as a refused body does.
                    $Cmdlet.WriteError((NewBridgeErrorRecord -Exception ([System.ArgumentException]::new($refusal)) -ErrorId 'BodyError' `
                                -Category InvalidArgument -CommandName $commandName -Namespace $namespace -TargetObject $identity))
                    continue identities
                }
                if (-not $ids[$name]) {
                    $missing = [System.Exception]::new("InputObject has null value for InputObject.$name")
                    $Cmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $missing -Category InvalidArgument `
                                -CommandName $commandName -Namespace $namespace -TargetObject $identity))
                }
            }
        }
        $arguments = [ordered]@{ api_version = $ApiVersion; call_id = $ids.CallId; operation_id = $ids.CommsOperationId }
        InvokeGraphCommand -Cmdlet $Cmdlet -Operation 'get_operation' -Arguments $arguments -CommandName $commandName `
            -Headers $BoundParameters['Headers'] -TargetObject ([pscustomobject]$ids) `
            -ResponseHeadersVariable $BoundParameters['ResponseHeadersVariable']
    }
}
