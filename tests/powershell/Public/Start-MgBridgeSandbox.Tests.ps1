# Start-MgBridgeSandbox / Stop-MgBridgeSandbox / Invoke-MgBridgeSandboxRequest in a fresh pwsh.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'TestHelpers.psm1') -Force
    $script:Folder = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-sandbox-cmdlets-$PID"
    $stateFile = Join-Path $script:Folder 'sandbox.json'
    $script:Run = Invoke-FreshPwsh -Environment @{ MGBRIDGE_SANDBOX_STATE = $null } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-ModuleManifestPath)'
`$refused = foreach (`$bad in @{ LatencyMilliseconds = -1 }, @{ JitterMilliseconds = 600001 }, @{ ThrottleRate = -1 }) {
    try { Start-MgBridgeSandbox -StateFile '$stateFile' @bad; 'accepted' } catch { `$_.FullyQualifiedErrorId }
}
`$sandbox = Start-MgBridgeSandbox -StateFile '$stateFile' -OperationDelayMilliseconds 0 -LatencyMilliseconds 150 -JitterMilliseconds 50 -ThrottleRate 50
`$secret = (Get-Content -Raw -LiteralPath '$stateFile' | ConvertFrom-Json).client_secret
`$alive = [bool](Get-Process -Id `$sandbox.ProcessId -ErrorAction SilentlyContinue)
`$call = Invoke-MgBridgeSandboxRequest -StateFile '$stateFile' -Method Post -Path 'calls' -Body @{ kind = 'group' }
`$settings = Invoke-MgBridgeSandboxRequest -StateFile '$stateFile' -Path 'settings'
`$table = (`$sandbox | Format-Table | Out-String -Width 200).Trim() -split "``n" | Select-Object -First 1
Stop-MgBridgeSandbox -StateFile '$stateFile'
Start-Sleep -Milliseconds 200
@{
    sandbox = `$sandbox; type = `$sandbox.psobject.TypeNames[0]; alive = `$alive; table = `$table
    secretShown = (`$sandbox | ConvertTo-Json) -match [regex]::Escape(`$secret)
    callId = `$call.id; delay = `$settings.operationDelayMs; refused = `$refused
    latency = `$settings.latencyMs; jitter = `$settings.jitterMs; throttleRate = `$settings.throttleRate
    tokenLatency = `$settings.tokenLatencyMs
    stopped = -not (Get-Process -Id `$sandbox.ProcessId -ErrorAction SilentlyContinue)
    stateRemoved = -not (Test-Path -LiteralPath '$stateFile')
} | ConvertTo-Json -Compress -Depth 5
"@
    $script:Reply = if ($script:Run.ExitCode -eq 0) { $script:Run.Output | ConvertFrom-Json }
}

AfterAll {
    Remove-Item -LiteralPath $script:Folder -Recurse -Force -ErrorAction Ignore
}

Describe 'Start-MgBridgeSandbox and Stop-MgBridgeSandbox' {
    It 'starts a sandbox process that answers, and describes it without its secret' {
        $script:Run.ExitCode | Should -Be 0 -Because $script:Run.Errors
        $script:Reply.type | Should -Be 'MgBridge.Sandbox'
        $script:Reply.alive | Should -BeTrue
        $script:Reply.sandbox.Graph | Should -Match '^https://127\.0\.0\.1:\d+$'
        $script:Reply.sandbox.Authority | Should -Be "$($script:Reply.sandbox.Graph)/$($script:Reply.sandbox.TenantId)"
        $script:Reply.sandbox.ClientId | Should -Not -BeNullOrEmpty
        Test-Path -LiteralPath $script:Reply.sandbox.CaFile | Should -BeTrue
        $script:Reply.secretShown | Should -BeFalse
        $script:Reply.table | Should -Match '^ProcessId\s+Graph\s+TenantId\s+ClientId$'
    }

    It 'serves the admin API through Invoke-MgBridgeSandboxRequest, with the options it was started with' {
        $script:Reply.callId | Should -Match '^[0-9a-f-]{36}$'
        $script:Reply.delay | Should -Be 0
        $script:Reply.latency | Should -Be 150
        $script:Reply.jitter | Should -Be 50
        $script:Reply.throttleRate | Should -Be 50
        $script:Reply.tokenLatency | Should -Be 0 -Because 'sign-in latency is not one of its options'
    }

    It 'refuses a negative latency, a jitter above ten minutes and a negative throttle rate before starting anything' {
        $script:Reply.refused | Should -Be @(
            'ParameterArgumentValidationError,Start-MgBridgeSandbox'
            'ParameterArgumentValidationError,Start-MgBridgeSandbox'
            'ParameterArgumentValidationError,Start-MgBridgeSandbox'
        )
    }

    It 'stops the process and removes its state file' {
        $script:Reply.stopped | Should -BeTrue
        $script:Reply.stateRemoved | Should -BeTrue
    }
}
