# Transcripts from PowerShell (issue #13): $env:MGBRIDGE_RECORD switches recording on and off for
# the whole session, between any two calls of one connection, -WhatIf runs are recorded as planned
# requests, and no secret or token reaches a transcript, whatever the sign-in; then
# Compare-MgBridgeTranscript's options and errors. Each transport runs one fresh pwsh with every
# scenario against this file's sandbox; the Its check the scenarios' results and the transcript
# files. (The seven help-page examples' transcripts are compared in Examples.Tests.ps1, on the
# demo runs it makes anyway.)

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    $script:Sandbox = Start-TestSandbox
    $script:CallId = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'calls' -Body @{}).id
    # A token the test knows, for the -AccessToken sign-in; the client-secret sign-in's own token
    # is unknown here, so the transcripts are also searched for anything shaped like a JWT.
    $script:Token = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'tokens' -Body @{}).access_token
    $script:JwtPattern = 'eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.'

    function Read-Transcript([string] $Path) {
        , @(foreach ($line in [System.IO.File]::ReadAllLines($Path)) { if ($line) { $line | ConvertFrom-Json -AsHashtable } })
    }

    $script:Scenarios = @'
$ErrorActionPreference = 'Stop'
Import-Module '<MANIFEST>'
$state = Get-Content -Raw -LiteralPath $env:MGBRIDGE_SANDBOX_STATE | ConvertFrom-Json
$folder = '<FOLDER>'
$callId = '<CALLID>'
$results = [ordered]@{}

function Invoke-Scenario([string] $name, [scriptblock] $action) {
    try {
        $out = @(& $action)
        $results[$name] = [ordered]@{
            ok = $true; count = $out.Count; types = @($out | ForEach-Object { $_.psobject.TypeNames[0] })
            output = @($out | ForEach-Object { if ($_ -is [string]) { $_ } else { $_ | Select-Object -Property Line, OtherLine, Kind, Where, Message } })
        }
    } catch {
        $results[$name] = [ordered]@{
            ok = $false; fqid = $_.FullyQualifiedErrorId; message = $_.Exception.Message; category = "$($_.CategoryInfo.Category)"
            target = "$($_.TargetObject)"
        }
    }
}

function Send-Invite([string] $context, [switch] $WhatIf) {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -WhatIf:$WhatIf -BodyParameter @{
        Participants  = @(@{ Identity = @{ User = @{ Id = '278405a3-f568-4b3e-b684-009193463064'; IdentityProvider = 'AAD' } } })
        ClientContext = "<TRANSPORT>-$context"
    }
}

# Recording from before the sign-in, with a client secret: sign-in, invite, read, plan.
$env:MGBRIDGE_RECORD = Join-Path $folder 'secret-<TRANSPORT>.jsonl'
Invoke-Scenario 'secret' {
    $secret = ConvertTo-SecureString -String $state.client_secret -AsPlainText
    Connect-MgGraph -Environment Sandbox -TenantId $state.tenant_id -ClientSecretCredential ([pscredential]::new($state.client_id, $secret)) -NoWelcome
    $operation = Send-Invite 'signed-in'
    $null = Get-MgBetaCommunicationCallOperation -CallId $callId -CommsOperationId $operation.Id -Debug 5>$null
    Send-Invite 'signed-in-planned' -WhatIf
}
$env:MGBRIDGE_RECORD = $null

$env:MGBRIDGE_RECORD = Join-Path $folder 'token-<TRANSPORT>.jsonl'
Invoke-Scenario 'token' {
    Connect-MgGraph -Environment Sandbox -AccessToken (ConvertTo-SecureString -String '<TOKEN>' -AsPlainText) -NoWelcome
    $null = Send-Invite 'signed-in'
    Send-Invite 'signed-in-planned' -WhatIf
}
$env:MGBRIDGE_RECORD = $null

# One connection; recording switched on after Connect-MgGraph, then off, between its calls.
Invoke-Scenario 'switch' {
    Connect-MgGraph -Environment Sandbox -NoWelcome
    $null = Send-Invite 'before'
    $env:MGBRIDGE_RECORD = Join-Path $folder 'switch-<TRANSPORT>.jsonl'
    $null = Send-Invite 'during'
    Send-Invite 'planned' -WhatIf
    $env:MGBRIDGE_RECORD = $null
    $null = Send-Invite 'after'
}

# Compare-MgBridgeTranscript, with paths relative to the current location (not the process's).
Set-Location -LiteralPath $folder
$lines = [System.IO.File]::ReadAllLines((Join-Path $folder 'switch-<TRANSPORT>.jsonl'))
[System.IO.File]::WriteAllLines((Join-Path $folder 'changed-<TRANSPORT>.jsonl'), @($lines[0].Replace('<TRANSPORT>-during', 'changed'), $lines[1]))
[System.IO.File]::WriteAllLines((Join-Path $folder 'bad-<TRANSPORT>.jsonl'), @($lines[0], '{"method": "POST", "path": '))
Invoke-Scenario 'compare-same' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'switch-<TRANSPORT>.jsonl' }
Invoke-Scenario 'compare-changed' { Compare-MgBridgeTranscript -ReferencePath 'switch-<TRANSPORT>.jsonl' -DifferencePath 'changed-<TRANSPORT>.jsonl' }
Invoke-Scenario 'compare-ignore' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'changed-<TRANSPORT>.jsonl' -Ignore 'body.clientContext' }
Invoke-Scenario 'compare-missing-request' { Compare-MgBridgeTranscript 'secret-<TRANSPORT>.jsonl' 'token-<TRANSPORT>.jsonl' }
Invoke-Scenario 'compare-runs' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'token-<TRANSPORT>.jsonl' -Ignore 'body.clientContext' }
Invoke-Scenario 'compare-header' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'token-<TRANSPORT>.jsonl' -Ignore 'body.clientContext' -Header 'Client-Request-Id' }
Invoke-Scenario 'report-text' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'changed-<TRANSPORT>.jsonl' -Report Text }
Invoke-Scenario 'report-text-same' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'switch-<TRANSPORT>.jsonl' -Report Text }
Invoke-Scenario 'report-json' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'changed-<TRANSPORT>.jsonl' -Report Json }
Invoke-Scenario 'bad-file' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'bad-<TRANSPORT>.jsonl' }
Invoke-Scenario 'no-file' { Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'nothing-here.jsonl' }
Invoke-Scenario 'format' { (Compare-MgBridgeTranscript 'switch-<TRANSPORT>.jsonl' 'changed-<TRANSPORT>.jsonl' | Format-Table | Out-String -Width 200).Trim() }

'JSON:' + (ConvertTo-Json -InputObject $results -Depth 10 -Compress)
'@
}

AfterAll {
    Stop-TestSandbox -Sandbox $script:Sandbox
}

Describe 'Transcripts through the <Transport> transport' -ForEach @(
    @{ Transport = 'inprocess' }
    @{ Transport = 'process' }
) {
    BeforeAll {
        $scenarioScript = $script:Scenarios.Replace('<MANIFEST>', (Get-ModuleManifestPath)).Replace('<CALLID>', $script:CallId).
            Replace('<FOLDER>', $script:Sandbox.Folder).Replace('<TOKEN>', $script:Token).Replace('<TRANSPORT>', $Transport)
        $script:Run = Invoke-FreshPwsh -Script $scenarioScript -Environment @{
            MGBRIDGE_TRANSPORT = $Transport; MGBRIDGE_SANDBOX_STATE = $script:Sandbox.StateFile; MGBRIDGE_RECORD = $null
        }
        $line = $script:Run.Output -split "`n" | Where-Object { $_.StartsWith('JSON:') } | Select-Object -First 1
        if (-not $line) { throw "The scenarios did not finish. Output: $($script:Run.Output) Errors: $($script:Run.Errors)" }
        $script:Results = $line.Substring(5) | ConvertFrom-Json -AsHashtable
        $script:Files = @{}
        foreach ($name in 'secret', 'token', 'switch') { $script:Files[$name] = Join-Path $script:Sandbox.Folder "$name-$Transport.jsonl" }
    }

    It 'runs scenario <Name>' -TestCases @('secret', 'token', 'switch' | ForEach-Object { @{ Name = $_ } }) {
        param($Name)
        $script:Results[$Name].ok | Should -BeTrue -Because ($script:Results[$Name] | ConvertTo-Json -Compress)
    }

    It 'records the requests sent while $env:MGBRIDGE_RECORD is set, also when set after Connect-MgGraph' {
        $entries = Read-Transcript $script:Files['switch']
        @($entries).Count | Should -Be 2
        $entries[0].method | Should -Be 'POST'
        $entries[0].path | Should -Be "/beta/communications/calls/$script:CallId/participants/invite"
        $entries[0].body.clientContext | Should -Be "$Transport-during"
        $entries[0].status | Should -Be 200
        $entries[0].source | Should -Be 'mgbridge'
        $entries[0].headers['content-type'] | Should -Match '^application/json'
        $entries[0].ContainsKey('planned') | Should -BeFalse
    }

    It 'records a -WhatIf run as a planned request, with no status' {
        $entries = Read-Transcript $script:Files['switch']
        $entries[1].planned | Should -BeTrue
        $entries[1].status | Should -BeNullOrEmpty
        $entries[1].body.clientContext | Should -Be "$Transport-planned"
        $entries[1].path | Should -Be $entries[0].path
        (Get-SandboxInvite -Sandbox $script:Sandbox -ClientContext "$Transport-planned") | Should -BeNullOrEmpty
    }

    It 'stops recording once $env:MGBRIDGE_RECORD is cleared (and records nothing before it is set)' {
        (Read-Transcript $script:Files['switch']).body.clientContext | Should -Not -Contain "$Transport-before"
        (Read-Transcript $script:Files['switch']).body.clientContext | Should -Not -Contain "$Transport-after"
        # They were sent all the same.
        @(Get-SandboxInvite -Sandbox $script:Sandbox -ClientContext "$Transport-before").Count | Should -Be 1
        @(Get-SandboxInvite -Sandbox $script:Sandbox -ClientContext "$Transport-after").Count | Should -Be 1
    }

    It 'records Graph requests only, not the client-secret sign-in' {
        $entries = Read-Transcript $script:Files['secret']
        $entries.method | Should -Be @('POST', 'GET', 'POST')
        $entries.path | ForEach-Object { $_ | Should -Match '^/beta/communications/calls/' }
        $entries[2].planned | Should -BeTrue
    }

    It 'writes no secret and no token to a transcript (<Name> sign-in)' -TestCases @(
        @{ Name = 'secret' }, @{ Name = 'token' }, @{ Name = 'switch' }
    ) {
        param($Name)
        $text = [System.IO.File]::ReadAllText($script:Files[$Name])
        $text | Should -Not -BeNullOrEmpty
        $text | Should -Not -Match ([regex]::Escape($script:Sandbox.client_secret))
        $text | Should -Not -Match ([regex]::Escape($script:Token))
        $text | Should -Not -Match $script:JwtPattern
        $text | Should -Not -Match '(?i)authorization|bearer|client_secret|access_token'
    }

    It 'knows the JWT shape it searches for' {
        $script:Token | Should -Match $script:JwtPattern
    }

    It 'compares two transcripts: nothing when they are the same' {
        $script:Results['compare-same'].ok | Should -BeTrue -Because ($script:Results['compare-same'] | ConvertTo-Json -Compress)
        $script:Results['compare-same'].count | Should -Be 0
        $script:Results['compare-ignore'].count | Should -Be 0
    }

    It 'compares two transcripts: one object per difference, relative paths from the current location' {
        $result = $script:Results['compare-changed']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.count | Should -Be 1
        $result.types | Should -Be 'MgBridge.TranscriptDifference'
        $result.output[0].Where | Should -Be 'body.clientContext'
        $result.output[0].Kind | Should -Be 'value'
        $result.output[0].Line | Should -Be 1
        $result.output[0].OtherLine | Should -Be 1
        $result.output[0].Message | Should -Be "body.clientContext: `"$Transport-during`" vs `"changed`""
    }

    It 'compares two transcripts: a request only in one of them' {
        $result = $script:Results['compare-missing-request']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.count | Should -Be 1
        $result.output[0].Kind | Should -Be 'missing'
        $result.output[0].Where | Should -Be 'request'
        $result.output[0].Line | Should -Be 2
        $result.output[0].OtherLine | Should -BeNullOrEmpty
    }

    It 'compares the headers asked for with -Header (request ids differ from run to run)' {
        $script:Results['compare-runs'].ok | Should -BeTrue -Because ($script:Results['compare-runs'] | ConvertTo-Json -Compress)
        $script:Results['compare-runs'].count | Should -Be 0
        $result = $script:Results['compare-header']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        @($result.output.Where | Sort-Object -Unique) | Should -Be 'header.client-request-id'
        $result.count | Should -Be 2
    }

    It 'shows the differences as a table of lines, kind, where and message' {
        $table = $script:Results['format'].output[0] -split '\r?\n'
        $table[0] | Should -Match '^\s*Line\s+OtherLine\s+Kind\s+Where\s+Message\s*$'
        $table[2] | Should -Match '^\s+1\s+1\s+value\s+body\.clientContext\s+body\.clientContext: '
    }

    It 'writes the report as text (-Report Text), as mgbridge transcript diff prints it' {
        $text = $script:Results['report-text'].output[0]
        $text | Should -Match '(?m)^reference:  .*switch-\w+\.jsonl \(2 requests\)$'
        $text | Should -Match '(?m)^difference: .*changed-\w+\.jsonl \(2 requests\)$'
        $text | Should -Match ([regex]::Escape("body.clientContext: `"$Transport-during`" vs `"changed`""))
        $text | Should -Match '1 requests differ, 0 missing, 0 extra\.'
        $script:Results['report-text-same'].output[0] | Should -Match 'The same requests\.'
        $script:Results['report-text-same'].count | Should -Be 1
    }

    It 'writes the report as JSON (-Report Json)' {
        $report = $script:Results['report-json'].output[0] | ConvertFrom-Json -AsHashtable
        $report.equal | Should -BeFalse
        $report.reference.file | Should -Be (Join-Path $script:Sandbox.Folder "switch-$Transport.jsonl")
        $report.reference.requests | Should -Be 2
        $report.differences[0].where | Should -Be 'body.clientContext'
    }

    It 'stops with an error naming the file and the line of a transcript it cannot read' {
        $result = $script:Results['bad-file']
        $result.ok | Should -BeFalse
        $result.fqid | Should -Be 'MgBridge.InvalidTranscript,Compare-MgBridgeTranscript'
        $result.category | Should -Be 'InvalidData'
        $result.message | Should -Match ([regex]::Escape((Join-Path $script:Sandbox.Folder "bad-$Transport.jsonl")) + ', line 2')
        $result.target | Should -Be (Join-Path $script:Sandbox.Folder "bad-$Transport.jsonl")
    }

    It 'stops with an error naming a transcript that does not exist, resolved from the current location' {
        $result = $script:Results['no-file']
        $result.ok | Should -BeFalse
        $result.fqid | Should -Be 'MgBridge.TranscriptNotFound,Compare-MgBridgeTranscript'
        $result.category | Should -Be 'ObjectNotFound'
        $result.message | Should -Match ([regex]::Escape((Join-Path $script:Sandbox.Folder 'nothing-here.jsonl')))
    }

    It 'shows no secret or token in any stream' {
        foreach ($secret in $script:Sandbox.client_secret, $script:Token) {
            $script:Run.Output | Should -Not -Match ([regex]::Escape($secret))
            $script:Run.Errors | Should -Not -Match ([regex]::Escape($secret))
        }
    }
}
