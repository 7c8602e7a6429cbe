function SelectBridgeTransport {
    <#
    .SYNOPSIS
    Decides, once per process, whether calls run in-process or in the mgbridge child process.
    .DESCRIPTION
    In-process unless $env:MGBRIDGE_TRANSPORT is 'process'; when in-process hosting is
    unavailable and the setting is not 'inprocess', one warning says why and the process
    transport is used.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $decided = [AppDomain]::CurrentDomain.GetData("MgBridge.Transport=$env:MGBRIDGE_TRANSPORT")
    if ($decided) { return $decided }
    $wanted = if ($env:MGBRIDGE_TRANSPORT) { $env:MGBRIDGE_TRANSPORT.ToLowerInvariant() } else { 'auto' }
    if ($wanted -notin 'auto', 'inprocess', 'process') {
        throw [System.ArgumentException]::new(
            "`$env:MGBRIDGE_TRANSPORT is '$env:MGBRIDGE_TRANSPORT'; use 'inprocess', 'process', or leave it unset.")
    }
    $info = FindBridgePython
    $transport, $reason = if ($wanted -eq 'process') { 'process', "`$env:MGBRIDGE_TRANSPORT is 'process'" } else {
        try {
            StartBridgeHost -HostInfo $info
            'inprocess', 'CPython hosted in this process through pythonnet'
        } catch {
            if ($wanted -eq 'inprocess') { throw }
            Write-Warning "$($_.Exception.Message) Using the process transport instead."
            [AppDomain]::CurrentDomain.SetData('MgBridge.HostProblem', $_.Exception.Message)
            'process', "in-process hosting is unavailable: $($_.Exception.Message)"
        }
    }
    # Decided once per process and setting (InvokeBridge reads it directly, to save a call).
    [AppDomain]::CurrentDomain.SetData("MgBridge.TransportReason=$env:MGBRIDGE_TRANSPORT", $reason)
    [AppDomain]::CurrentDomain.SetData("MgBridge.Transport=$env:MGBRIDGE_TRANSPORT", $transport)
    $transport
}
