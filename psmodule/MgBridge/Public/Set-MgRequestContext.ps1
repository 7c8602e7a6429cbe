function Set-MgRequestContext {
    <#
    .SYNOPSIS
    Sets how Graph requests of this process retry and how long they wait.
    .DESCRIPTION
    The mgbridge drop-in for the SDK's Set-MgRequestContext. Requests answered 429, 503 or 504
    are retried up to MaxRetry times (0-10), after the server's Retry-After or else a backoff
    from RetryDelay seconds (0-180), within RetriesTimeLimit seconds in all (0: no limit). A
    request that got no answer within ClientTimeout seconds fails. Settings not given keep their
    value; they apply at once, to the current connection too, and to connections made later.
    .EXAMPLE
    Set-MgRequestContext -MaxRetry 5 -RetryDelay 1 -RetriesTimeLimit 60

    Retries throttled invites up to five times, for at most a minute.
    .EXAMPLE
    Set-MgRequestContext -ClientTimeout 120

    Waits up to two minutes for each answer.
    .LINK
    Get-MgRequestContext
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('Microsoft.Graph.PowerShell.Authentication.RequestContext')]
    param(
        # How many times a throttled or unavailable request is retried (0-10).
        [ValidateRange(0, 10)]
        [int] $MaxRetry,

        # The base delay, in seconds, between retries when the server gives no Retry-After (0-180).
        [ValidateRange(0, 180)]
        [int] $RetryDelay,

        # The most time, in seconds, that retries of one request may take; 0 means no limit.
        [ValidateRange(0, [int]::MaxValue)]
        [int] $RetriesTimeLimit,

        # How long, in seconds, to wait for an answer.
        [ValidateRange(1, [double]::MaxValue)]
        [double] $ClientTimeout
    )

    $names = [ordered]@{ MaxRetry = 'max_retry'; RetryDelay = 'retry_delay'; RetriesTimeLimit = 'retries_time_limit'; ClientTimeout = 'timeout' }
    $arguments = [ordered]@{}
    foreach ($entry in $names.GetEnumerator()) {
        if ($PSBoundParameters.ContainsKey($entry.Key)) { $arguments[$entry.Value] = $PSBoundParameters[$entry.Key] }
    }
    if (-not $PSCmdlet.ShouldProcess('Graph request context', 'Set')) { return }
    $context = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'set_request_context' -Arguments $arguments `
        -Namespace 'Microsoft.Graph.PowerShell.Authentication.Cmdlets'
    $context.psobject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Authentication.RequestContext')
    $context
}
