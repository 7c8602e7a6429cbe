function InvokeBridge {
    <#
    .SYNOPSIS
    Sends one request to the Python core and returns its reply ({ ok, result | error }).
    .DESCRIPTION
    The transport is in-process (pythonnet) unless $env:MGBRIDGE_TRANSPORT is 'process', or
    in-process hosting is unavailable and the transport was not forced to 'inprocess'. The call
    waits in short slices so Ctrl+C stays responsive; a stopped call is abandoned.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The core operation, as listed in bridge/_entry.py.
        [Parameter(Mandatory)]
        [string] $Operation,

        # Its keyword arguments.
        [System.Collections.IDictionary] $Arguments = @{}
    )

    # Escaping all non-ASCII keeps every string exact on both transports: a lone UTF-16
    # surrogate arrives as such (and the core refuses it) instead of silently becoming U+FFFD.
    $request = [ordered]@{ op = $Operation; args = $Arguments; env = (GetBridgeEnvironment) } |
        ConvertTo-Json -Depth 100 -Compress -EscapeHandling EscapeNonAscii
    $transport = [AppDomain]::CurrentDomain.GetData("MgBridge.Transport=$env:MGBRIDGE_TRANSPORT")
    if (-not $transport) { $transport = SelectBridgeTransport }
    $replyJson = if ($transport -eq 'process') {
        InvokeBridgeProcess -RequestJson $request
    } else {
        $pending = [MgBridge.Host.PythonHost]::Begin($request)
        try {
            while (-not $pending.Wait(100)) { }
            $pending.Reply
        } finally {
            if (-not $pending.Wait(0)) { $pending.Cancel() }
        }
    }
    $reply = $replyJson | ConvertFrom-Json
    # Kept in memory only, for the process transport to reconnect a restarted child.
    if ($Operation -eq 'connect' -and $reply.ok) {
        [AppDomain]::CurrentDomain.SetData('MgBridge.ConnectRequest', $request)
    } elseif ($Operation -eq 'disconnect') {
        [AppDomain]::CurrentDomain.SetData('MgBridge.ConnectRequest', $null)
    }
    $reply
}
