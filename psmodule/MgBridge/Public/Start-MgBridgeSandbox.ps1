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
    .EXAMPLE
    Start-MgBridgeSandbox -LatencyMilliseconds 150 -JitterMilliseconds 50 -ThrottleRate 50

    Graph requests take 100 to 200 ms to answer, as over a real network, and each app gets 429
    Too Many Requests, with Retry-After, beyond 50 requests in any one second, as Graph throttles.
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
        [int] $OperationDelayMilliseconds,

        # How long Graph requests take to answer, as over a real network; sign-in is not delayed.
        [ValidateRange(0, 600000)]
        [int] $LatencyMilliseconds,

        # Each Graph answer takes up to this much less or more than -LatencyMilliseconds,
        # uniformly, so that the mean stays -LatencyMilliseconds.
        [ValidateRange(0, 600000)]
        [int] $JitterMilliseconds,

        # How many Graph requests per second each app may send: beyond that, in any one second,
        # requests are answered 429 with Retry-After, as Graph throttles. 0 (the default) does not throttle.
        [ValidateRange(0, 1000000)]
        [int] $ThrottleRate
    )

    if (-not $PSCmdlet.ShouldProcess('local sandbox', 'Start')) { return }
    $arguments = [ordered]@{}
    if ($StateFile) { $arguments['state_file'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($StateFile) }
    if ($PSBoundParameters.ContainsKey('OperationDelayMilliseconds')) { $arguments['operation_delay_ms'] = $OperationDelayMilliseconds }
    if ($PSBoundParameters.ContainsKey('LatencyMilliseconds')) { $arguments['latency_ms'] = $LatencyMilliseconds }
    if ($PSBoundParameters.ContainsKey('JitterMilliseconds')) { $arguments['jitter_ms'] = $JitterMilliseconds }
    if ($PSBoundParameters.ContainsKey('ThrottleRate')) { $arguments['throttle_rate'] = $ThrottleRate }
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
