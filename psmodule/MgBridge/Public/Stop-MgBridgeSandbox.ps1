function Stop-MgBridgeSandbox {
    <#
    .SYNOPSIS
    Stops the local sandbox started by Start-MgBridgeSandbox.
    .EXAMPLE
    Stop-MgBridgeSandbox

    Stops the sandbox named by $env:MGBRIDGE_SANDBOX_STATE (or the default state file).
    .LINK
    Start-MgBridgeSandbox
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType([void])]
    param(
        # The state file given to Start-MgBridgeSandbox, if any.
        [string] $StateFile
    )

    if (-not $PSCmdlet.ShouldProcess('local sandbox', 'Stop')) { return }
    $arguments = [ordered]@{}
    if ($StateFile) { $arguments['state_file'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($StateFile) }
    $result = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'sandbox_stop' -Arguments $arguments
    Write-Verbose -Message "Stopped the sandbox process $($result.stopped)."
}
