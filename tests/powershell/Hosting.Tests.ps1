# The first proof of the bridge: pwsh hosts the venv's CPython in its own process.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Manifest = Get-ModuleManifestPath
}

Describe 'In-process hosting' {
    It 'runs the core inside this pwsh process' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_TRANSPORT = 'inprocess' } -Script @"
Import-Module '$script:Manifest'
`$runtime = Get-MgBridgeRuntime
@{ pid = `$PID; runtime = `$runtime } | ConvertTo-Json -Compress
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $reply = $result.Output | ConvertFrom-Json
        $reply.runtime.Transport | Should -Be 'InProcess'
        $reply.runtime.ProcessId | Should -Be $reply.pid
        $reply.runtime.BridgeVersion | Should -Match '^\d+\.\d+\.\d+'
    }

    It 'does not start Python on Import-Module' {
        $result = Invoke-FreshPwsh -Script @"
Import-Module '$script:Manifest'
@{
    started = [bool]('MgBridge.Host.PythonHost' -as [type])
    pythonnet = [bool]([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Python.Runtime' })
} | ConvertTo-Json -Compress
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $reply = $result.Output | ConvertFrom-Json
        $reply.started | Should -BeFalse
        $reply.pythonnet | Should -BeFalse
    }

    It 'serves runspaces of ForEach-Object -Parallel from the one interpreter' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_TRANSPORT = 'inprocess' } -Script @"
`$pids = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
    Import-Module '$script:Manifest'
    (Get-MgBridgeRuntime).ProcessId
}
@{ pid = `$PID; pids = @(`$pids) } | ConvertTo-Json -Compress
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $reply = $result.Output | ConvertFrom-Json
        $reply.pids.Count | Should -Be 8
        $reply.pids | Sort-Object -Unique | Should -Be $reply.pid
    }

    It 'names the missing interpreter when MGBRIDGE_PYTHON is wrong' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_PYTHON = '/nonexistent/python3' } -Script @"
Import-Module '$script:Manifest'
try { Get-MgBridgeRuntime; 'no error' } catch { `$_.Exception.Message }
"@
        $result.Output | Should -Match 'No Python with mgbridge installed was found'
        $result.Output | Should -Match '/nonexistent/python3 \(not found\)'
    }
}

Describe 'Process transport' {
    It 'runs the core in one persistent child process' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_TRANSPORT = 'process' } -Script @"
Import-Module '$script:Manifest'
`$first = Get-MgBridgeRuntime
`$second = Get-MgBridgeRuntime
@{ pid = `$PID; first = `$first; second = `$second } | ConvertTo-Json -Compress
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $reply = $result.Output | ConvertFrom-Json
        $reply.first.Transport | Should -Be 'Process'
        $reply.first.ProcessId | Should -Not -Be $reply.pid
        $reply.second.ProcessId | Should -Be $reply.first.ProcessId
    }
}

Describe 'Hosting failures' {
    BeforeAll {
        # A real Python with mgbridge's dependencies but no pythonnet: Debian's python3 with its
        # python3-httpx/-msal/-click packages (installed by .ci/run), seeing this checkout.
        $script:BareVenv = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-bare-$PID"
        $script:SkipReason = $null
        & /usr/bin/python3 -c 'import httpx, msal, click' 2>$null
        if ($LASTEXITCODE -ne 0) {
            if ($env:CI -eq 'true') { throw 'CI needs /usr/bin/python3 with python3-httpx, python3-msal and python3-click.' }
            $script:SkipReason = 'needs /usr/bin/python3 with python3-httpx, python3-msal and python3-click'
            return
        }
        & /usr/bin/python3 -m venv --without-pip --system-site-packages $script:BareVenv
        $sitePackages = & "$script:BareVenv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))'
        Set-Content -LiteralPath (Join-Path $sitePackages 'mgbridge-checkout.pth') -Value (Resolve-Path (Join-Path $PSScriptRoot '..' '..'))
    }
    AfterAll { if (Test-Path $script:BareVenv) { Remove-Item -LiteralPath $script:BareVenv -Recurse -Force } }
    BeforeEach { if ($script:SkipReason) { Set-ItResult -Skipped -Because $script:SkipReason } }

    It 'names pythonnet as missing, with the command that installs it' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_PYTHON = "$script:BareVenv/bin/python"; MGBRIDGE_TRANSPORT = 'inprocess' } -Script @"
Import-Module '$script:Manifest'
try { Get-MgBridgeRuntime; 'no error' } catch { `$_.Exception.Message }
"@
        $result.Output | Should -Match 'cannot host Python in this process'
        $result.Output | Should -Match ([regex]::Escape("pythonnet in $script:BareVenv/bin/python"))
        $result.Output | Should -Match 'pip install pythonnet'
    }

    It 'falls back to the process transport when in-process hosting is unavailable' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_PYTHON = "$script:BareVenv/bin/python"; MGBRIDGE_TRANSPORT = $null } -Script @"
Import-Module '$script:Manifest'
(Get-MgBridgeRuntime 3>`$null).Transport
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $result.Output.Trim() | Should -Be 'Process'
    }
}

Describe 'Calls from any thread, and Ctrl+C (<_> transport)' -ForEach 'inprocess', 'process' {
    BeforeAll {
        $script:Transport = $_
        $script:Prologue = @"
`$ErrorActionPreference = 'Stop'
`$env:MGBRIDGE_SANDBOX_STATE = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-hosting-`$PID.json"
Import-Module '$script:Manifest'
`$null = Start-MgBridgeSandbox
Connect-MgGraph -Environment Sandbox -NoWelcome
`$call = Invoke-MgBridgeSandboxRequest -Method Post -Path calls
function Body([string] `$user) { @{ Participants = @(@{ Identity = @{ User = @{ Id = `$user } } }) } }
"@
    }

    It 'invites from 8 runspaces of ForEach-Object -Parallel, 50 each, with one connection' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_TRANSPORT = $script:Transport } -Script @"
$script:Prologue
try {
    `$statuses = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
        Import-Module '$script:Manifest'
        foreach (`$i in 1..50) {
            `$body = @{ Participants = @(@{ Identity = @{ User = @{ Id = "r`$(`$_)-`$i" } } }) }
            (Invoke-MgBetaInviteCommunicationCallParticipant -CallId `$using:call.id -BodyParameter `$body).Status
        }
    }
    `$invites = @((Invoke-MgBridgeSandboxRequest -Path requests).value | Where-Object path -like '*/participants/invite')
    @{ statuses = @(`$statuses | Group-Object | ForEach-Object { "`$(`$_.Name)=`$(`$_.Count)" }); received = `$invites.Count } | ConvertTo-Json -Compress
} finally { `$null = Stop-MgBridgeSandbox }
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $reply = $result.Output | ConvertFrom-Json
        $reply.statuses | Should -Be 'Running=400'
        $reply.received | Should -Be 400
    }

    It 'invites from Start-ThreadJob' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_TRANSPORT = $script:Transport } -Script @"
$script:Prologue
try {
    `$callId = `$call.id
    `$job = Start-ThreadJob -ScriptBlock {
        Import-Module '$script:Manifest'
        `$body = @{ Participants = @(@{ Identity = @{ User = @{ Id = 'thread-job' } } }) }
        (Invoke-MgBetaInviteCommunicationCallParticipant -CallId `$using:callId -BodyParameter `$body).Status
    }
    @{ status = (Receive-Job -Job `$job -Wait -AutoRemoveJob) } | ConvertTo-Json -Compress
} finally { `$null = Stop-MgBridgeSandbox }
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        ($result.Output | ConvertFrom-Json).status | Should -Be 'Running'
    }

    It 'stops a call that is waiting on Graph, and the session goes on working' {
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_TRANSPORT = $script:Transport } -Script @"
$script:Prologue
try {
    # The sandbox holds the next invite's answer for 20 s; Stop() is what Ctrl+C does.
    `$null = Invoke-MgBridgeSandboxRequest -Method Post -Path faults -Body @{ match = 'invite'; delayMs = 20000; count = 1 }
    `$slow = [powershell]::Create()
    `$null = `$slow.AddScript({
        param(`$manifest, `$callId, `$body)
        Import-Module `$manifest
        Invoke-MgBetaInviteCommunicationCallParticipant -CallId `$callId -BodyParameter `$body
    }).AddArgument('$script:Manifest').AddArgument(`$call.id).AddArgument((Body 'slow'))
    `$pending = `$slow.BeginInvoke()
    # Watched through the sandbox, not the bridge, so that only the call being stopped is in flight.
    `$admin = (Get-Content -Raw `$env:MGBRIDGE_SANDBOX_STATE | ConvertFrom-Json).admin
    while (@((Invoke-RestMethod -SkipCertificateCheck -Uri "`$admin/requests").value | Where-Object path -like '*/participants/invite').Count -eq 0) {
        Start-Sleep -Milliseconds 50
    }
    `$watch = [System.Diagnostics.Stopwatch]::StartNew()
    `$slow.Stop()
    `$stopSeconds = `$watch.Elapsed.TotalSeconds
    `$next = Invoke-MgBetaInviteCommunicationCallParticipant -CallId `$call.id -BodyParameter (Body 'after')
    @{ stopSeconds = `$stopSeconds; state = `$slow.InvocationStateInfo.State.ToString(); next = `$next.Status } | ConvertTo-Json -Compress
} finally { `$null = Stop-MgBridgeSandbox }
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $reply = $result.Output | ConvertFrom-Json
        $reply.state | Should -Be 'Stopped'
        # Far less than the 20 s the sandbox holds the answer: the call was abandoned.
        $reply.stopSeconds | Should -BeLessThan 10
        $reply.next | Should -Be 'Running'
    }
}
