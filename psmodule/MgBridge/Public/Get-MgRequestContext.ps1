function Get-MgRequestContext {
    <#
    .SYNOPSIS
    Gets the retry and timeout settings that Graph requests of this process use.
    .DESCRIPTION
    The mgbridge drop-in for the SDK's Get-MgRequestContext: MaxRetry, RetryDelay (seconds),
    RetriesTimeLimit (seconds; 0 means no limit) and ClientTimeout (seconds). The settings are
    process-wide, like the connection; Set-MgRequestContext changes them.
    .EXAMPLE
    Get-MgRequestContext

    MaxRetry RetryDelay RetriesTimeLimit ClientTimeout
    -------- ---------- ---------------- -------------
           3          3                0            30
    .LINK
    Set-MgRequestContext
    #>
    [CmdletBinding()]
    [OutputType('Microsoft.Graph.PowerShell.Authentication.RequestContext')]
    param()

    $context = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'request_context' -Namespace 'Microsoft.Graph.PowerShell.Authentication.Cmdlets'
    $context.psobject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Authentication.RequestContext')
    $context
}
