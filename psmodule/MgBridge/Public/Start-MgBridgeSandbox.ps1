function Start-MgBridgeSandbox {
    <#
    .SYNOPSIS
    Starts the local sandbox: a simulator of Graph's calls API and of the Entra ID token endpoint.
    .DESCRIPTION
    Starts `python -m bridge sandbox` as its own process, waits until it answers, and returns where
    it listens. While it runs, Connect-MgGraph -Environment Sandbox connects to it with no other
    argument, so scripts can be tried without a tenant. Its state file ($env:MGBRIDGE_SANDBOX_STATE,
    or -StateFile) tells the other commands where it is. Stop it with Stop-MgBridgeSandbox.
    The result holds no secret.
    .EXAMPLE
    $sandbox = Start-MgBridgeSandbox
    Connect-MgGraph -Environment Sandbox -NoWelcome

    Starts the sandbox and connects to it.
    .EXAMPLE
    Start-MgBridgeSandbox -OperationDelayMilliseconds 0

    Invite operations complete at once instead of after a short delay.
    .LINK
    Stop-MgBridgeSandbox
    .LINK
    Connect-MgGraph
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('MgBridge.Sandbox')]
    param(
        # Where the sandbox records its address and process id; the default is the core's.
        [string] $StateFile,

        # How long invite operations stay running before they complete or fail.
        [ValidateRange(0, 600000)]
        [int] $OperationDelayMilliseconds
    )

    if (-not $PSCmdlet.ShouldProcess('local sandbox', 'Start')) { return }
    $arguments = [ordered]@{}
    if ($StateFile) { $arguments['state_file'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($StateFile) }
    if ($PSBoundParameters.ContainsKey('OperationDelayMilliseconds')) { $arguments['operation_delay_ms'] = $OperationDelayMilliseconds }
    $state = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'sandbox_start' -Arguments $arguments
    [pscustomobject]@{
        PSTypeName = 'MgBridge.Sandbox'
        ProcessId  = $state.pid
        Graph      = $state.graph
        Authority  = $state.authority
        TenantId   = $state.tenant_id
        ClientId   = $state.client_id
        CaFile     = $state.ca_file
        StateFile  = $state.state_file
    }
}
