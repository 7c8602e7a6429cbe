function InvokeBridgeProcess {
    <#
    .SYNOPSIS
    Sends one request line to the persistent `python -m bridge._shim` child and reads its reply.
    .DESCRIPTION
    One child per PowerShell process, shared by all runspaces under a lock, started on first use
    and restarted if it has died. A call stopped by Ctrl+C kills the child (the next call starts a
    new one), so a half-read reply can never be taken for the next call's. A new child first
    replays the process's last successful connect, so the connection outlives the child, as it
    does in-process.
    #>
    [OutputType([string])]
    param(
        # The request, one line of JSON.
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

    [System.Threading.Monitor]::Enter($lock)
    $completed = $false
    try {
        $child = $domain.GetData('MgBridge.Shim')
        if (-not $child -or $child.HasExited) {
            $info = FindBridgePython
            $start = [System.Diagnostics.ProcessStartInfo]::new($info.executable)
            foreach ($argument in '-u', '-m', 'bridge._shim') { $start.ArgumentList.Add($argument) }
            $start.RedirectStandardInput = $true
            $start.RedirectStandardOutput = $true
            $start.UseShellExecute = $false
            $start.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
            $child = [System.Diagnostics.Process]::Start($start)
            $child.StandardInput.AutoFlush = $true
            $domain.SetData('MgBridge.Shim', $child)
            $connect = $domain.GetData('MgBridge.ConnectRequest')
            if ($connect -and $RequestJson -ne $connect) {
                $child.StandardInput.WriteLine($connect)
                $null = $child.StandardOutput.ReadLine()
            }
        }
        $child.StandardInput.WriteLine($RequestJson)
        $read = $child.StandardOutput.ReadLineAsync()
        while (-not $read.Wait(100)) { }
        if ($null -eq $read.Result) {
            throw [System.IO.IOException]::new("The mgbridge child process ($($child.Id)) ended without a reply; it is restarted on the next call.")
        }
        $completed = $true
        $read.Result
    } finally {
        if (-not $completed -and $child -and -not $child.HasExited) { $child.Kill() }
        [System.Threading.Monitor]::Exit($lock)
    }
}
