function SelectBridgeTransport {
    <#
    .SYNOPSIS
    Decides, once per process, whether calls run in-process or in the mgbridge child process.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $wanted = if ($env:MGBRIDGE_TRANSPORT) { $env:MGBRIDGE_TRANSPORT.ToLowerInvariant() } else { 'auto' }
    if ($wanted -notin 'auto', 'inprocess', 'process') {
        throw [System.ArgumentException]::new(
            "`$env:MGBRIDGE_TRANSPORT is '$env:MGBRIDGE_TRANSPORT'; use 'inprocess', 'process', or leave it unset.")
    }
    $info = FindBridgePython
    if ($wanted -eq 'process') { return 'process' }
    if ('MgBridge.Host.PythonHost' -as [type] -and [MgBridge.Host.PythonHost]::IsStarted) { return 'inprocess' }
    try {
        StartBridgeHost -HostInfo $info
        'inprocess'
    } catch {
        if ($wanted -eq 'inprocess') { throw }
        if (-not [AppDomain]::CurrentDomain.GetData('MgBridge.FallbackWarned')) {
            [AppDomain]::CurrentDomain.SetData('MgBridge.FallbackWarned', $true)
            Write-Warning "$($_.Exception.Message) Using the process transport instead."
        }
        'process'
    }
}
