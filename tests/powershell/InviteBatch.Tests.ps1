# Invoke-MgBridgeInviteBatch against a real sandbox, on both transports: each runs the scenarios
# in one fresh pwsh (Python is hosted once per process, and never in the Pester process), and
# each scenario's outcome is checked here with what the sandbox recorded. Bounded in time: about
# 10 s a transport, the longest waits being a Retry-After of 1 s and 1.5 s after a stop.

BeforeDiscovery {
    $script:Transports = @('inprocess', 'process')
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    $script:Sandbox = Start-TestSandbox

    $script:Scenarios = @'
# No global $ErrorActionPreference = 'Stop': module functions read it from the global scope, so
# every item's error would end its scenario. The set-up steps stop on error by themselves.
$ProgressPreference = 'SilentlyContinue'
Import-Module '<MANIFEST>'
$callId = '<CALL>'
$tag = '<TAG>'
$results = [ordered]@{ transport = $null }

function New-Invitation([string] $context, [string] $call = $callId) {
    @{ CallId = $call; BodyParameter = @{ Participants = @(@{ Identity = @{ User = @{ Id = "user-$context" } } }); ClientContext = $context } }
}

# Outputs and error records of one scenario, reduced to what the tests read.
function Invoke-Scenario([string] $name, [scriptblock] $action) {
    $terminating = $null
    try {
        $all = @(& $action 2>&1)
    } catch {
        $all = @()
        $terminating = [ordered]@{ message = $_.Exception.Message; category = "$($_.CategoryInfo.Category)"; exception = $_.Exception.GetType().FullName }
    }
    $out = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
    $results[$name] = [ordered]@{
        types = @($out | ForEach-Object { $_.psobject.TypeNames[0] })
        contexts = @($out | ForEach-Object ClientContext)
        errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object {
                [ordered]@{ fqid = $_.FullyQualifiedErrorId; message = $_.Exception.Message; target = $_.TargetObject.BodyParameter.ClientContext }
            })
        terminating = $terminating
    }
}

Invoke-Scenario 'not-connected' { New-Invitation "$tag-nc" | Invoke-MgBridgeInviteBatch }
Connect-MgGraph -Environment Sandbox -NoWelcome -ErrorAction Stop
$results['transport'] = (Get-MgBridgeRuntime).Transport

Invoke-Scenario 'forty' {
    0..39 | ForEach-Object { New-Invitation "$tag-forty-$_" } | Invoke-MgBridgeInviteBatch -ThrottleLimit 8
}
Invoke-Scenario 'bad' {
    @(
        New-Invitation "$tag-bad-0"
        @{ CallId = $callId; BodyParameter = @{ ClientContext = "$tag-bad-1"; Participants = @(@{ Identity = { 'not data' } }) } }
        New-Invitation "$tag-bad-2" 'no-such-call'
        [pscustomobject](New-Invitation "$tag-bad-3")
        @{ CallId = $callId }
    ) | Invoke-MgBridgeInviteBatch
}
Invoke-Scenario 'bodies' {
    0..2 | ForEach-Object { (New-Invitation "$tag-body-$_").BodyParameter } | Invoke-MgBridgeInviteBatch -CallId $callId -Headers @{ 'X-Batch-Test' = 7 }
}
Invoke-Scenario 'whatif' {
    0..4 | ForEach-Object { New-Invitation "$tag-whatif-$_" } | Invoke-MgBridgeInviteBatch -WhatIf
}
$null = Invoke-MgBridgeSandboxRequest -Method Post -Path faults -Body @{ match = 'invite'; status = 429; retryAfter = 1; count = 5 } -ErrorAction Stop
Invoke-Scenario 'throttled' {
    0..19 | ForEach-Object { New-Invitation "$tag-throttled-$_" } | Invoke-MgBridgeInviteBatch -ThrottleLimit 4
}
# Last, as its slow invites are not all used: each takes 300 ms, two in flight, and the pipeline
# stops at the first result.
$null = Invoke-MgBridgeSandboxRequest -Method Post -Path faults -Body @{ match = 'invite'; delayMs = 300; count = 40 } -ErrorAction Stop
Invoke-Scenario 'stopped' {
    0..39 | ForEach-Object { New-Invitation "$tag-stopped-$_" } | Invoke-MgBridgeInviteBatch -ThrottleLimit 2 |
        Select-Object -First 1
}
# Unstopped, the 40 would take 6 s: after 1.5 s about 10 would have reached the sandbox.
Start-Sleep -Milliseconds 1500
$results['stopped-sent'] = @((Invoke-MgBridgeSandboxRequest -Path requests -ErrorAction Stop).value |
        Where-Object { $_.kind -eq 'invite' -and $_.body.clientContext -like "$tag-stopped-*" }).Count

'JSON:' + (ConvertTo-Json -InputObject $results -Depth 10 -Compress)
'@

    function Get-Accepted([string] $Prefix) {
        # The clientContexts of the invites the sandbox accepted, with their counts.
        $counts = @{}
        foreach ($entry in (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Path 'stats').clientContexts.psobject.Properties) {
            if ($entry.Name.StartsWith($Prefix)) { $counts[$entry.Name] = $entry.Value }
        }
        $counts
    }
}

AfterAll {
    Stop-TestSandbox -Sandbox $script:Sandbox
}

Describe 'Invoke-MgBridgeInviteBatch (<_>)' -ForEach $Transports {
    BeforeAll {
        $transport = $_
        Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'reset' | Out-Null
        $script:CallId = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'calls' -Body @{}).id
        $script:Tag = "ib-$transport-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
        $script:Run = Invoke-FreshPwsh -Environment @{ MGBRIDGE_SANDBOX_STATE = $script:Sandbox.StateFile; MGBRIDGE_TRANSPORT = $transport } -Script (
            $script:Scenarios.Replace('<MANIFEST>', (Get-ModuleManifestPath)).Replace('<CALL>', $script:CallId).Replace('<TAG>', $script:Tag))
        $line = $script:Run.Output -split "`n" | Where-Object { $_.StartsWith('JSON:') } | Select-Object -First 1
        if (-not $line) { throw "The scenarios did not finish. Output: $($script:Run.Output) Errors: $($script:Run.Errors)" }
        $script:Results = $line.Substring(5) | ConvertFrom-Json -AsHashtable
        $script:Accepted = Get-Accepted $script:Tag
        $script:Invites = @(Get-SandboxInvite -Sandbox $script:Sandbox)
        $script:Model = 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation'
        $script:Transport = $transport
    }

    It 'runs in the transport asked for' {
        $script:Results['transport'] | Should -Be $(if ($script:Transport -eq 'process') { 'Process' } else { 'InProcess' })
    }

    It 'without a connection, stops with the SDK''s error and sends nothing' {
        $result = $script:Results['not-connected']
        $result['terminating']['message'] | Should -Be 'Authentication needed. Please call Connect-MgGraph.'
        $result['terminating']['exception'] | Should -Be 'System.Security.Authentication.AuthenticationException'
        $result['terminating']['category'] | Should -Be 'AuthenticationError'
        $script:Accepted.Keys | Should -Not -Contain "$script:Tag-nc"
    }

    It '40 items at -ThrottleLimit 8: 40 operations in input order, each invite accepted once' {
        $result = $script:Results['forty']
        $result['terminating'] | Should -BeNullOrEmpty
        $result['errors'] | Should -BeNullOrEmpty
        $expected = @(0..39 | ForEach-Object { "$script:Tag-forty-$_" })
        $result['contexts'] | Should -Be $expected
        $result['types'] | Select-Object -Unique | Should -Be $script:Model
        foreach ($context in $expected) {
            $script:Accepted[$context].received | Should -Be 1 -Because $context
            $script:Accepted[$context].accepted | Should -Be 1 -Because $context
        }
    }

    It 'a bad item writes an error for that item only, its TargetObject the item; the others go on' {
        $result = $script:Results['bad']
        $result['terminating'] | Should -BeNullOrEmpty
        $result['contexts'] | Should -Be @("$script:Tag-bad-0", "$script:Tag-bad-3")
        $errors = $result['errors']
        $errors.Count | Should -Be 3
        # Refused before sending: a body that is not data, an item without a body; refused by
        # Graph: a call that does not exist. Errors are written as they happen, so in any order.
        $notData = @($errors | Where-Object { $_['target'] -eq "$script:Tag-bad-1" })
        $notData.Count | Should -Be 1
        $notData[0]['fqid'] | Should -Be 'BodyError,Invoke-MgBridgeInviteBatch'
        $notData[0]['message'] | Should -Match 'BodyParameter\.Participants\[0\]\.Identity'
        $noBody = @($errors | Where-Object { $_['message'] -match 'no BodyParameter' })
        $noBody.Count | Should -Be 1
        $noBody[0]['fqid'] | Should -Be 'BodyError,Invoke-MgBridgeInviteBatch'
        $noCall = @($errors | Where-Object { $_['target'] -eq "$script:Tag-bad-2" })
        $noCall.Count | Should -Be 1
        $noCall[0]['fqid'] | Should -Match ',Invoke-MgBridgeInviteBatch$'
        $noCall[0]['message'] | Should -Match 'Call not found'
        $script:Accepted.Keys | Should -Not -Contain "$script:Tag-bad-1"
        $script:Accepted["$script:Tag-bad-3"].accepted | Should -Be 1
    }

    It 'takes -CallId once with a pipeline of bodies, and -Headers for every request' {
        $result = $script:Results['bodies']
        $result['errors'] | Should -BeNullOrEmpty
        $result['contexts'] | Should -Be @(0..2 | ForEach-Object { "$script:Tag-body-$_" })
        $sent = @($script:Invites | Where-Object { $_.body.clientContext -like "$script:Tag-body-*" })
        $sent.Count | Should -Be 3
        foreach ($request in $sent) { $request.headers['x-batch-test'] | Should -Be '7' }
    }

    It '-WhatIf sends nothing and reports each item' {
        $result = $script:Results['whatif']
        $result['contexts'] | Should -BeNullOrEmpty
        $result['errors'] | Should -BeNullOrEmpty
        @($script:Accepted.Keys | Where-Object { $_ -like "$script:Tag-whatif-*" }) | Should -BeNullOrEmpty
        $reported = @($script:Run.Output -split "`n" | Where-Object { $_ -match "^What if: .*Invite participants \(item \d\).*$([regex]::Escape($script:CallId))" })
        $reported.Count | Should -Be 5
    }

    It 'with 429s from Graph, every item still ends exactly once' {
        $result = $script:Results['throttled']
        $result['terminating'] | Should -BeNullOrEmpty
        $result['errors'] | Should -BeNullOrEmpty
        $expected = @(0..19 | ForEach-Object { "$script:Tag-throttled-$_" })
        $result['contexts'] | Should -Be $expected
        foreach ($context in $expected) { $script:Accepted[$context].accepted | Should -Be 1 -Because $context }
        @($script:Invites | Where-Object { $_.status -eq 429 -and $_.body.clientContext -like "$script:Tag-throttled-*" }).Count | Should -Be 5
    }

    It 'a stopped pipeline starts no further invite' {
        $result = $script:Results['stopped']
        $result['contexts'] | Should -Be "$script:Tag-stopped-0"
        # The two in flight when the first result came, and at most the two started as they ended.
        $script:Results['stopped-sent'] | Should -BeGreaterOrEqual 2
        $script:Results['stopped-sent'] | Should -BeLessOrEqual 4
    }
}
