# The process transport serves the runspaces of one pwsh at once: their calls overlap in the one
# mgbridge child, each reply reaches its own caller, a stopped call leaves the others alone, and
# a child that dies fails the waiting calls and is replaced on the next call. Each test runs in
# a fresh pwsh (MGBRIDGE_TRANSPORT=process) against a real sandbox whose fault delays hold
# chosen invites; the order of events shows the overlap, not timings.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Manifest = Get-ModuleManifestPath
    $script:Sandbox = Start-TestSandbox

    # Defined in the fresh pwsh before each test's script: a connection, the sandbox's admin API
    # (directly, not through the bridge), and invites run by runspaces of their own.
    $script:Prologue = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:TEST_MANIFEST
Connect-MgGraph -Environment Sandbox -NoWelcome
function Admin([string] $Method = 'Get', [string] $Path, $Body) {
    $request = @{ Method = $Method; Uri = "$env:TEST_ADMIN/$Path"; SkipCertificateCheck = $true }
    if ($Body) { $request['Body'] = ConvertTo-Json $Body; $request['ContentType'] = 'application/json' }
    Invoke-RestMethod @request
}
function Wait-Received([int] $Count) {
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (@((Admin -Path requests).value | Where-Object kind -EQ 'invite').Count -lt $Count) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "The sandbox did not receive $Count invites." }
        Start-Sleep -Milliseconds 20
    }
}
function Start-Invite([string] $Context) {
    $shell = [powershell]::Create()
    $null = $shell.AddScript({
        param($context)
        $ErrorActionPreference = 'Stop'
        Import-Module $env:TEST_MANIFEST
        $body = @{ ClientContext = $context; Participants = @(@{ Identity = @{ User = @{ Id = $context } } }) }
        Invoke-MgBetaInviteCommunicationCallParticipant -CallId $env:TEST_CALL -BodyParameter $body
    }).AddArgument($Context)
    [pscustomobject]@{ Shell = $shell; Pending = $shell.BeginInvoke() }
}
# The invite's operation, or the message of its error.
function Complete-Invite($Invite) {
    if (-not $Invite.Pending.AsyncWaitHandle.WaitOne(30000)) { throw 'An invite did not complete within 30 s.' }
    try { $Invite.Shell.EndInvoke($Invite.Pending) } catch { $_.Exception.InnerException.Message }
}
'@

    function Invoke-TransportScript {
        # The prologue and the script in a fresh pwsh on the process transport, killed if it
        # takes over two minutes; its output, JSON-decoded.
        param([string] $Script)
        $start = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME 'pwsh'))
        foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', "$script:Prologue`n$Script") { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['MGBRIDGE_TRANSPORT'] = 'process'
        $start.Environment['MGBRIDGE_SANDBOX_STATE'] = $script:Sandbox.StateFile
        $start.Environment['XDG_CONFIG_HOME'] = Join-Path $script:Sandbox.Folder "config-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
        $start.Environment['TEST_MANIFEST'] = $script:Manifest
        $start.Environment['TEST_ADMIN'] = $script:Sandbox.admin
        $start.Environment['TEST_CALL'] = $script:CallId
        $process = [System.Diagnostics.Process]::Start($start)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(120000)) {
            $process.Kill($true)
            throw "The test's pwsh did not finish within 2 minutes:`n$($stdout.Result)`n$($stderr.Result)"
        }
        if ($process.ExitCode -ne 0) { throw "The test's pwsh failed with $($process.ExitCode):`n$($stdout.Result)`n$($stderr.Result)" }
        $stdout.Result | ConvertFrom-Json
    }
}

AfterAll { Stop-TestSandbox $script:Sandbox }

Describe 'Process transport, several runspaces' {
    BeforeEach {
        $null = Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'reset'
        $script:CallId = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'calls' -Body @{}).id
    }

    It 'runs a later invite while an earlier one waits on Graph, in the same child' {
        $reply = Invoke-TransportScript @'
$null = Admin Post faults @{ match = 'invite'; delayMs = 3000; count = 1 }
$slow = Start-Invite 'slow'
Wait-Received 1
$fast = Start-Invite 'fast'
$fastResult = Complete-Invite $fast
$slowWasWaiting = -not $slow.Pending.IsCompleted
$slowResult = Complete-Invite $slow
@{ slowWasWaiting = $slowWasWaiting; slow = $slowResult.ClientContext; fast = $fastResult.ClientContext
   ids = @($slowResult.Id, $fastResult.Id | Sort-Object -Unique).Count } | ConvertTo-Json -Compress
'@
        $reply.slowWasWaiting | Should -BeTrue
        $reply.slow | Should -Be 'slow'
        $reply.fast | Should -Be 'fast'
        $reply.ids | Should -Be 2
    }

    It 'gives each of 8 runspaces the operations of its own invites' {
        $reply = Invoke-TransportScript @'
$results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
    Import-Module $env:TEST_MANIFEST
    foreach ($i in 1..25) {
        $context = "r$_-$i"
        $body = @{ ClientContext = $context; Participants = @(@{ Identity = @{ User = @{ Id = $context } } }) }
        $operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $env:TEST_CALL -BodyParameter $body
        @{ sent = $context; got = $operation.ClientContext; id = $operation.Id }
    }
}
@{ count = @($results).Count; misrouted = @($results | Where-Object { $_.sent -ne $_.got }).Count
   ids = @($results.id | Sort-Object -Unique).Count } | ConvertTo-Json -Compress
'@
        $reply.count | Should -Be 200
        $reply.misrouted | Should -Be 0
        $reply.ids | Should -Be 200
    }

    It 'stops one call (Ctrl+C) and leaves the child and the other calls alone' {
        $reply = Invoke-TransportScript @'
$child = (Get-MgBridgeRuntime).ProcessId
# The stopped call's reply comes (and is dropped) while the other call still waits for its own.
$null = Admin Post faults @{ match = 'invite'; delayMs = 4000; count = 1 }
$null = Admin Post faults @{ match = 'invite'; delayMs = 6000; count = 1 }
$stopped = Start-Invite 'stopped'
Wait-Received 1
$other = Start-Invite 'other'
Wait-Received 2
$stopped.Shell.Stop()
$otherResult = Complete-Invite $other
$after = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $env:TEST_CALL -BodyParameter @{
    ClientContext = 'after'; Participants = @(@{ Identity = @{ User = @{ Id = 'after' } } }) }
# Nothing left behind for the dropped reply.
$channel = [AppDomain]::CurrentDomain.GetData('MgBridge.Shim')
@{ state = $stopped.Shell.InvocationStateInfo.State.ToString(); other = $otherResult.ClientContext
   after = $after.ClientContext; sameChild = ((Get-MgBridgeRuntime).ProcessId -eq $child)
   leftover = $channel.Replies.Count + $channel.Abandoned.Count } | ConvertTo-Json -Compress
'@
        $reply.state | Should -Be 'Stopped'
        $reply.other | Should -Be 'other'
        $reply.after | Should -Be 'after'
        $reply.sameChild | Should -BeTrue
        $reply.leftover | Should -Be 0
    }

    It 'fails the waiting calls when the child dies, and the next call starts a new one, connected' {
        $reply = Invoke-TransportScript @'
$child = (Get-MgBridgeRuntime).ProcessId
$null = Admin Post faults @{ match = 'invite'; delayMs = 20000; count = 2 }
$first = Start-Invite 'first'
$second = Start-Invite 'second'
Wait-Received 2
[System.Diagnostics.Process]::GetProcessById($child).Kill()
$errors = @((Complete-Invite $first), (Complete-Invite $second))
$next = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $env:TEST_CALL -BodyParameter @{
    ClientContext = 'next'; Participants = @(@{ Identity = @{ User = @{ Id = 'next' } } }) }
@{ errors = $errors; next = $next.ClientContext; newChild = ((Get-MgBridgeRuntime).ProcessId -ne $child) } | ConvertTo-Json -Compress
'@
        $reply.errors.Count | Should -Be 2
        foreach ($message in $reply.errors) {
            $message | Should -Match 'The mgbridge child process \(\d+\) ended without a reply; it is restarted on the next call\.'
        }
        $reply.next | Should -Be 'next'
        $reply.newChild | Should -BeTrue
    }
}
