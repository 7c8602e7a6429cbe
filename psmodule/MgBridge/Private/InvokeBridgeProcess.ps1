function InvokeBridgeProcess {
    <#
    .SYNOPSIS
    Sends one request to the persistent `python -m bridge._shim` child and returns its reply.
    .DESCRIPTION
    One child per PowerShell process, shared by all runspaces, started on first use and
    restarted if it has died. Calls are multiplexed (bridge/_shim.py describes the framing): a
    call writes `@<id> <json>` and waits for the line `@<id> <reply>`, so the child runs the
    calls of all runspaces at once. One waiter at a time reads the child's stdout and files the
    replies of other calls in a shared dictionary, waking their waiters. A call stopped by
    Ctrl+C leaves the child to the others: the child finishes it, and its reply is dropped. If
    the child dies, every waiting call fails, and the next call starts a new child, which first
    replays the process's last successful connect, so the connection outlives the child, as it
    does in-process.
    #>
    [OutputType([string])]
    param(
        # The request, one line of JSON.
        [string] $RequestJson
    )

    $domain = [AppDomain]::CurrentDomain
    $channel = $domain.GetData('MgBridge.Shim')
    if (-not $channel -or $channel.Ended -or $channel.Process.HasExited) {
        $channel = StartBridgeShim $RequestJson
    }

    $lost = 'The mgbridge child process ({0}) ended without a reply; it is restarted on the next call.'
    [System.Threading.Monitor]::Enter($channel.WriteLock)
    try {
        $id = ++$channel.NextId
        $channel.Process.StandardInput.WriteLine("@$id $RequestJson")
    } catch [System.IO.IOException] {
        throw [System.IO.IOException]::new(($lost -f $channel.Process.Id), $_.Exception)
    } finally { [System.Threading.Monitor]::Exit($channel.WriteLock) }

    $replies = $channel.Replies
    $reply = $null
    $completed = $false
    try {
        while ($true) {
            # Read before the dictionary: the reader files every line it has read before it
            # marks the channel ended.
            $ended = $channel.Ended
            if ($replies.TryRemove($id, [ref]$reply)) { break }
            if ($ended) {
                throw [System.IO.IOException]::new(($lost -f $channel.Process.Id))
            }
            if ($channel.ReadLock.Wait(0)) {
                # The reader: one line, or a 100 ms slice without one (the pending read stays
                # for the next reader, so no line is lost).
                try {
                    $read = $channel.Pending
                    $arrived = $false
                    # A failed read (not an end) also leaves the child unusable.
                    try { $arrived = $read.Wait(100) } catch [System.AggregateException] { $channel.Ended = $true }
                    if ($arrived) {
                        $line = $read.Result
                        if ($null -eq $line) {
                            $channel.Ended = $true
                        } else {
                            $channel.Pending = $channel.Process.StandardOutput.ReadLineAsync()
                            $space = $line.IndexOf(' ')
                            $lineId = [long]$line.Substring(1, $space - 1)
                            $replies[$lineId] = $line.Substring($space + 1)
                            # A stopped call marks its id abandoned, then looks for its reply;
                            # filing, then looking for the mark, leaves neither behind.
                            if ($channel.Abandoned.TryRemove($lineId, [ref]$null)) { $null = $replies.TryRemove($lineId, [ref]$null) }
                        }
                    }
                } finally {
                    $null = $channel.ReadLock.Release()
                    # Wakes the waiters: to take a reply filed for them, or the reader's place.
                    [System.Threading.Monitor]::Enter($channel.Signal)
                    [System.Threading.Monitor]::PulseAll($channel.Signal)
                    [System.Threading.Monitor]::Exit($channel.Signal)
                }
            } else {
                # Checked under the signal's lock, so a pulse after the check cannot be missed.
                [System.Threading.Monitor]::Enter($channel.Signal)
                try {
                    if (-not $replies.ContainsKey($id) -and $channel.ReadLock.CurrentCount -eq 0 -and -not $channel.Ended) {
                        $null = [System.Threading.Monitor]::Wait($channel.Signal, 100)
                    }
                } finally { [System.Threading.Monitor]::Exit($channel.Signal) }
            }
        }
        $completed = $true
    } finally {
        if (-not $completed) {
            $channel.Abandoned[$id] = $true
            if ($replies.TryRemove($id, [ref]$null)) { $null = $channel.Abandoned.TryRemove($id, [ref]$null) }
        }
    }
    $reply
}

function StartBridgeShim {
    <#
    .SYNOPSIS
    Returns the live channel to the child, starting a child (and replaying the last successful
    connect) if there is none, under a process-wide lock.
    #>
    param(
        # The request about to be sent; a connect is not replayed before itself.
        [string] $RequestJson
    )

    $domain = [AppDomain]::CurrentDomain
    $lock = $domain.GetData('MgBridge.ShimLock')
    if (-not $lock) {
        # SetData is not atomic; creating the lock under a process-wide named monitor makes it so.
        [System.Threading.Monitor]::Enter($domain)
        try {
            $lock = $domain.GetData('MgBridge.ShimLock')
            if (-not $lock) { $lock = [object]::new(); $domain.SetData('MgBridge.ShimLock', $lock) }
        } finally { [System.Threading.Monitor]::Exit($domain) }
    }

    # In slices, so Ctrl+C stays responsive while another runspace starts the child.
    while (-not [System.Threading.Monitor]::TryEnter($lock, 100)) { }
    $child = $null
    $published = $false
    try {
        $channel = $domain.GetData('MgBridge.Shim')
        if ($channel -and -not $channel.Ended -and -not $channel.Process.HasExited) { return $channel }
        # Ended but alive (its stdout failed): gone for good, so it must not linger.
        if ($channel -and -not $channel.Process.HasExited) { $channel.Process.Kill() }

        $info = FindBridgePython
        $start = [System.Diagnostics.ProcessStartInfo]::new($info.executable)
        foreach ($argument in '-u', '-m', 'bridge._shim') { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $start.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
        $child = [System.Diagnostics.Process]::Start($start)
        $child.StandardInput.AutoFlush = $true
        # A plain line, answered before anything else: no other call sees this child yet.
        $connect = $domain.GetData('MgBridge.ConnectRequest')
        if ($connect -and $RequestJson -ne $connect) {
            $child.StandardInput.WriteLine($connect)
            $read = $child.StandardOutput.ReadLineAsync()
            while (-not $read.Wait(100)) { }
        }
        $channel = [pscustomobject]@{
            Process   = $child
            WriteLock = [object]::new()
            NextId    = [long]0          # under WriteLock
            ReadLock  = [System.Threading.SemaphoreSlim]::new(1, 1)
            Pending   = $child.StandardOutput.ReadLineAsync()  # under ReadLock
            Ended     = $false           # set by the reader once stdout has ended
            Signal    = [object]::new()
            Replies   = [System.Collections.Concurrent.ConcurrentDictionary[long, string]]::new()
            Abandoned = [System.Collections.Concurrent.ConcurrentDictionary[long, bool]]::new()
        }
        $domain.SetData('MgBridge.Shim', $channel)
        $published = $true
        $channel
    } finally {
        # Stopped while replaying the connect: a half-read reply must not reach a call.
        if (-not $published -and $child -and -not $child.HasExited) { $child.Kill() }
        [System.Threading.Monitor]::Exit($lock)
    }
}
