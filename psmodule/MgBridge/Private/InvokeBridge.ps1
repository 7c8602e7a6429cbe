function InvokeBridge {
    <#
    .SYNOPSIS
    Sends one request to the Python core and returns its reply ({ ok, result | error }).
    .DESCRIPTION
    The transport is in-process (pythonnet) unless $env:MGBRIDGE_TRANSPORT is 'process', or
    in-process hosting is unavailable and the transport was not forced to 'inprocess'. Ctrl+C
    (or PowerShell.Stop()) stops a call that waits on Graph.
    With -Log, the core's log for this call goes to the caller's streams: with -Debug the HTTP
    exchange (secrets redacted by the core) on the debug stream, with -Verbose retries and
    sign-in steps on the verbose stream, and the core's warnings as warnings.

    Every call of every command comes through here, so it is a plain function, and the JSON goes
    through the .NET methods behind ConvertTo-Json and ConvertFrom-Json (the same conversions,
    without a cmdlet pipeline around each).
    #>
    [OutputType([pscustomobject])]
    param(
        # The core operation, as listed in bridge/_entry.py.
        [string] $Operation,

        # Its keyword arguments ("log" is added with -Log when the caller's preferences ask for it).
        [System.Collections.IDictionary] $Arguments = @{},

        # Put the core's log lines for this call on the caller's streams.
        [switch] $Log,

        # Return the reply as ConvertFrom-Json -AsHashtable makes it (for the host's Views, which
        # build the output objects from that faster than from PSCustomObjects).
        [switch] $AsHashtable
    )

    if ($Log) {
        # The public command's -Debug / -Verbose set these preferences in its scope, seen here.
        if ($DebugPreference -ne 'SilentlyContinue' -and $DebugPreference -ne 'Ignore') { $Arguments['log'] = 'debug' }
        elseif ($VerbosePreference -ne 'SilentlyContinue' -and $VerbosePreference -ne 'Ignore') { $Arguments['log'] = 'verbose' }
    }
    # Escaping all non-ASCII keeps every string exact on both transports: a lone UTF-16
    # surrogate arrives as such (and the core refuses it) instead of silently becoming U+FFFD.
    if ($null -eq $script:BridgeJson) {
        # Named with their assembly, which need not be loaded yet (pwsh loads it on first use of
        # ConvertTo-Json, or by itself on a background thread some time after start).
        $escape = [type]'Newtonsoft.Json.StringEscapeHandling, Newtonsoft.Json'
        $context = [type]'Microsoft.PowerShell.Commands.JsonObject+ConvertToJsonContext, Microsoft.PowerShell.Commands.Utility'
        $script:BridgeJsonContext = $context::new(100, $false, $true, $escape::EscapeNonAscii, $null, [System.Threading.CancellationToken]::None)
        $script:BridgeJson = [type]'Microsoft.PowerShell.Commands.JsonObject, Microsoft.PowerShell.Commands.Utility'
    }
    $request = $script:BridgeJson::ConvertToJson(
        [ordered]@{ op = $Operation; args = $Arguments; env = (GetBridgeEnvironment) }, [ref]$script:BridgeJsonContext)
    $transport = [AppDomain]::CurrentDomain.GetData('MgBridge.Transport=' + [Environment]::GetEnvironmentVariable('MGBRIDGE_TRANSPORT'))
    if (-not $transport) { $transport = SelectBridgeTransport }
    if ($transport -eq 'process') {
        $replyJson = InvokeBridgeProcess $request
    } else {
        # $PSCmdlet is the public command's (found in its scope): stopping its pipeline stops the call.
        $replyJson = [MgBridge.Host.PythonHost]::Call($request, $PSCmdlet)
    }
    $failure = $null
    $reply = if ($AsHashtable) {
        $script:BridgeJson::ConvertFromJson($replyJson, $true, 1024, [ref]$failure)
    } else {
        $script:BridgeJson::ConvertFromJson($replyJson, [ref]$failure)
    }
    if ($failure) { throw $failure }
    # Kept in memory only, for the process transport to reconnect a restarted child.
    if ($Operation -eq 'connect') {
        if ($reply.ok) { [AppDomain]::CurrentDomain.SetData('MgBridge.ConnectRequest', $request) }
    } elseif ($Operation -eq 'disconnect') {
        [AppDomain]::CurrentDomain.SetData('MgBridge.ConnectRequest', $null)
    }
    if ($Log) {
        foreach ($line in $reply.log) {
            switch ($line.level) {
                'debug' { Write-Debug -Message $line.message }
                'warning' { Write-Warning -Message $line.message }
                default { Write-Verbose -Message $line.message }
            }
        }
    }
    $reply
}
