# Get-MgRequestContext / Set-MgRequestContext against a sandbox, in a fresh pwsh.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'TestHelpers.psm1') -Force
    $script:Run = Invoke-FreshPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$env:MGBRIDGE_SANDBOX_STATE = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-request-context-`$PID.json"
Import-Module '$(Get-ModuleManifestPath)'
`$null = Start-MgBridgeSandbox
try {
    `$before = Get-MgRequestContext
    Connect-MgGraph -Environment Sandbox -NoWelcome
    `$set = Set-MgRequestContext -MaxRetry 1 -RetryDelay 0
    `$call = Invoke-MgBridgeSandboxRequest -Method Post -Path calls
    `$null = Invoke-MgBridgeSandboxRequest -Method Post -Path faults -Body @{ match = 'invite'; status = 503; count = 5 }
    `$body = @{ Participants = @(@{ Identity = @{ User = @{ Id = 'u1' } } }) }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId `$call.id -BodyParameter `$body -ErrorVariable failed -ErrorAction SilentlyContinue
    `$tries = @((Invoke-MgBridgeSandboxRequest -Path requests).value | Where-Object path -like '*/participants/invite').Count
    `$refused = try { Set-MgRequestContext -MaxRetry 11; 'accepted' } catch { `$_.FullyQualifiedErrorId }
    @{
        before = `$before; set = `$set; after = (Get-MgRequestContext); type = `$set.psobject.TypeNames[0]
        error = `$failed[0].FullyQualifiedErrorId; tries = `$tries; refused = `$refused
    } | ConvertTo-Json -Compress -Depth 4
} finally { `$null = Stop-MgBridgeSandbox }
"@
    $script:Reply = if ($script:Run.ExitCode -eq 0) { $script:Run.Output | ConvertFrom-Json }
}

Describe 'Get-MgRequestContext and Set-MgRequestContext' {
    It 'starts from the defaults' {
        $script:Run.ExitCode | Should -Be 0 -Because $script:Run.Errors
        $script:Reply.before.MaxRetry | Should -Be 3
        $script:Reply.before.RetryDelay | Should -Be 3
        $script:Reply.before.RetriesTimeLimit | Should -Be 0
        $script:Reply.before.ClientTimeout | Should -Be 30
    }

    It 'changes only the settings given, and reports them' {
        $script:Reply.set.MaxRetry | Should -Be 1
        $script:Reply.set.RetryDelay | Should -Be 0
        $script:Reply.set.ClientTimeout | Should -Be 30
        $script:Reply.after.MaxRetry | Should -Be 1
        $script:Reply.type | Should -Be 'Microsoft.Graph.PowerShell.Authentication.RequestContext'
    }

    It 'applies to the current connection: one retry, then the 503 is the error' {
        $script:Reply.tries | Should -Be 2
        $script:Reply.error | Should -BeLike '*,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaInviteCommunicationCallParticipant_Invite'
    }

    It 'refuses a value out of range before calling the core' {
        $script:Reply.refused | Should -BeLike 'ParameterArgumentValidationError,Set-MgRequestContext'
    }
}
