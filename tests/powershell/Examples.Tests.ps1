# The help page's seven examples run unchanged through the demo runner (examples/Invoke-Demo.ps1),
# through both transports, and put on the wire exactly the JSON of the documented HTTP examples
# (tests/data/documented_examples.json), as their transcripts show; the Python and mixed examples
# run too. Then the migration check of issue #13 on those same runs (the demo is slow, so it runs
# only twice): the transcripts of both transports and of the Python port are the same requests
# (Compare-MgBridgeTranscript writes nothing, `mgbridge transcript diff` exits 0), and a
# deliberately changed body value is a difference naming its path.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $script:Documented = Get-Content -Raw -LiteralPath (Join-Path $script:Root 'tests' 'data' 'documented_examples.json') |
        ConvertFrom-Json -AsHashtable
    $script:Python = if ($env:MGBRIDGE_PYTHON) { $env:MGBRIDGE_PYTHON } else {
        (Get-Content -LiteralPath (Join-Path $script:Root 'psmodule' 'MgBridge' 'python-path.txt') -TotalCount 1).Trim()
    }
    # The runs' transcripts, shared by the Describe blocks: inprocess.jsonl, process.jsonl, python.jsonl.
    $script:Transcripts = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-transcripts-$PID"
    $null = New-Item -ItemType Directory -Path $script:Transcripts -Force

    function Read-Transcript([string] $Path) {
        , @(foreach ($line in [System.IO.File]::ReadAllLines($Path)) { if ($line) { $line | ConvertFrom-Json -AsHashtable } })
    }
}

AfterAll {
    Remove-Item -LiteralPath $script:Transcripts -Recurse -Force -ErrorAction Ignore
}

Describe 'The demo runner through the <Transport> transport' -ForEach @(
    @{ Transport = 'inprocess' }
    @{ Transport = 'process' }
) {
    BeforeAll {
        $script:Transcript = Join-Path $script:Transcripts "$Transport.jsonl"
        $demo = Join-Path $script:Root 'examples' 'Invoke-Demo.ps1'
        $script:Run = Invoke-FreshPwsh -Environment @{ MGBRIDGE_TRANSPORT = $Transport; MGBRIDGE_RECORD = $null } -Script "& '$demo' -Transcript '$script:Transcript'; exit `$LASTEXITCODE"
        $script:Entries = if (Test-Path -LiteralPath $script:Transcript) { Read-Transcript $script:Transcript }
        $script:Requests = @($script:Entries | Where-Object { $_.path -like '*/participants/invite' })
    }

    It 'runs all seven examples and exits 0' {
        $script:Run.ExitCode | Should -Be 0 -Because "$($script:Run.Output)`n$($script:Run.Errors)"
        $script:Run.Output | Should -Match '7 of 7 examples ran'
        ([regex]::Matches($script:Run.Output, '(?m)^\S{36} +Running ')).Count | Should -Be 7
        ([regex]::Matches($script:Run.Output, '(?m)^\S{36} +completed ')).Count | Should -Be 7
    }

    It 'runs the whole call-flow script unchanged after them' {
        $script:Run.Output | Should -Match '(?m)^Call \S{36} is establishing$'
        $script:Run.Output | Should -Match '(?m)^Invitation \S{36} is (Running|running|completed)$'
        $script:Run.Output | Should -Match '(?m)^5 participants: John, Jane, Adele, Bianca$'
        $script:Run.Output | Should -Match '(?m)^Muting Adele: (running|completed)$'
        $script:Run.Output | Should -Match '(?m)^Removed Bianca; 4 participants left$'
        $script:Run.Output | Should -Match '(?m)^Operation \S{36}: (running|completed) \(mute-adele\)$'
        $script:Run.Output | Should -Match '(?m)^Hung up$'
    }

    It 'sends example <Number> as the documented HTTP example' -TestCases @(1..7 | ForEach-Object { @{ Number = $_ } }) {
        param($Number)
        @($script:Requests).Count | Should -Be 7
        $request = $script:Requests[$Number - 1]
        $request.path | Should -Match '^/beta/communications/calls/[0-9a-f-]{36}/participants/invite$'
        ConvertTo-CanonicalJson $request.body | Should -BeExactly (ConvertTo-CanonicalJson $script:Documented["Example$Number"].documented)
    }

    It 'records the invites and the reads after them, not the call-flow script, with no credential' {
        @($script:Entries).Count | Should -Be 14
        @($script:Entries | Where-Object method -EQ 'GET' | Where-Object path -Match '^/beta/communications/calls/[0-9a-f-]{36}/operations/[0-9a-f-]{36}$').Count | Should -Be 7
        $script:Entries.source | Sort-Object -Unique | Should -Be 'mgbridge'
        $script:Entries.status | Sort-Object -Unique | Should -Be 200
        foreach ($entry in $script:Entries) { $entry.headers.Keys | Should -Not -Contain 'authorization' }
    }
}

Describe 'The Python and mixed examples' {
    It 'runs the seven invites from Python with the same dicts' {
        $state = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-pyexample-$PID" 'sandbox.json'
        $start = [System.Diagnostics.ProcessStartInfo]::new($script:Python)
        $start.ArgumentList.Add((Join-Path $script:Root 'examples' 'python' 'invite_examples.py'))
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['MGBRIDGE_SANDBOX_STATE'] = $state
        $start.Environment['MGBRIDGE_RECORD'] = Join-Path $script:Transcripts 'python.jsonl'
        $process = [System.Diagnostics.Process]::Start($start)
        $errors = $process.StandardError.ReadToEndAsync()
        $output = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $process.ExitCode | Should -Be 0 -Because $errors.Result
        ([regex]::Matches($output, '(?m)^Example \d: \S+ Running -> completed$')).Count | Should -Be 7
        Remove-Item -LiteralPath (Split-Path $state) -Recurse -Force -ErrorAction Ignore
    }

    It 'invites from PowerShell and waits from Python' {
        $state = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-mixed-$PID" 'sandbox.json'
        $manifest = Get-ModuleManifestPath
        $mixed = Join-Path $script:Root 'examples' 'mixed' 'Invoke-InviteThenWait.ps1'
        $result = Invoke-FreshPwsh -Environment @{ MGBRIDGE_SANDBOX_STATE = $state } -Script @"
Import-Module '$manifest'
`$null = Start-MgBridgeSandbox
try { & '$mixed' 6>&1 | ForEach-Object { "`$_" } } finally { Stop-MgBridgeSandbox }
"@
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $result.Output | Should -Match 'PowerShell invited: operation \S+ is Running'
        $result.Output | Should -Match 'Python saw it finish: completed \(client context mixed-example\)'
        Remove-Item -LiteralPath (Split-Path $state) -Recurse -Force -ErrorAction Ignore
    }
}

Describe 'The transcripts of those runs' {
    BeforeAll {
        $script:Files = @{}
        foreach ($name in 'inprocess', 'process', 'python') { $script:Files[$name] = Join-Path $script:Transcripts "$name.jsonl" }

        # The deliberate change: example 4's phone number, in a copy of the in-process transcript.
        $lines = [System.IO.File]::ReadAllLines($script:Files['inprocess'])
        $script:ChangedLine = 1 + [array]::FindIndex($lines, [Predicate[string]] { $args[0].Contains('"+12345678901"') })
        $lines[$script:ChangedLine - 1] = $lines[$script:ChangedLine - 1].Replace('"+12345678901"', '"+12345678900"')
        $script:Files['changed'] = Join-Path $script:Transcripts 'changed.jsonl'
        [System.IO.File]::WriteAllLines($script:Files['changed'], $lines)

        function Invoke-TranscriptDiff([string] $Reference, [string] $Difference) {
            $output = & $script:Python -m bridge transcript diff $script:Files[$Reference] $script:Files[$Difference] 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output -join "`n" }
        }

        # Compare-MgBridgeTranscript in a fresh pwsh (this process never hosts Python), from the
        # transcripts' folder: the paths are relative to the current location.
        $manifest = Get-ModuleManifestPath
        $compare = Invoke-FreshPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Set-Location -LiteralPath '$script:Transcripts'
`$results = [ordered]@{}
foreach (`$pair in @('inprocess', 'process'), @('inprocess', 'python'), @('process', 'python'), @('inprocess', 'changed')) {
    `$results[`$pair -join '-'] = @(Compare-MgBridgeTranscript "`$(`$pair[0]).jsonl" "`$(`$pair[1]).jsonl" |
        ForEach-Object { [ordered]@{ type = `$_.psobject.TypeNames[0]; line = `$_.Line; otherLine = `$_.OtherLine; kind = `$_.Kind; where = `$_.Where
            reference = `$_.Reference; difference = `$_.Difference; message = `$_.Message } })
}
`$results['gate'] = if (Compare-MgBridgeTranscript inprocess.jsonl python.jsonl) { 'failed' } else { 'passed' }
`$results['text'] = Compare-MgBridgeTranscript inprocess.jsonl changed.jsonl -Report Text
'JSON:' + (ConvertTo-Json -InputObject `$results -Depth 10 -Compress)
"@
        $line = $compare.Output -split "`n" | Where-Object { $_.StartsWith('JSON:') } | Select-Object -First 1
        if (-not $line) { throw "Compare-MgBridgeTranscript did not finish. Output: $($compare.Output) Errors: $($compare.Errors)" }
        $script:Compared = $line.Substring(5) | ConvertFrom-Json -AsHashtable
    }

    It 'has all three transcripts, each with the 7 invites' {
        foreach ($name in 'inprocess', 'process', 'python') {
            $script:Files[$name] | Should -Exist
            @((Read-Transcript $script:Files[$name]) | Where-Object { $_.path -like '*/participants/invite' }).Count | Should -Be 7
        }
    }

    It 'shows the same requests for <Reference> and <Difference> (Compare-MgBridgeTranscript)' -TestCases @(
        @{ Reference = 'inprocess'; Difference = 'process' }
        @{ Reference = 'inprocess'; Difference = 'python' }
        @{ Reference = 'process'; Difference = 'python' }
    ) {
        param($Reference, $Difference)
        $found = $script:Compared["$Reference-$Difference"]
        @($found).Count | Should -Be 0 -Because ($found | ConvertTo-Json -Depth 10 -Compress)
    }

    It 'shows the same requests for <Reference> and <Difference> (mgbridge transcript diff exits 0)' -TestCases @(
        @{ Reference = 'inprocess'; Difference = 'process' }
        @{ Reference = 'inprocess'; Difference = 'python' }
    ) {
        param($Reference, $Difference)
        $result = Invoke-TranscriptDiff $Reference $Difference
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match 'The same requests\.'
    }

    It 'passes a CI gate written as "if (Compare-MgBridgeTranscript a b) { exit 1 }"' {
        $script:Compared['gate'] | Should -Be 'passed'
    }

    It 'names the changed body value: one MgBridge.TranscriptDifference' {
        $found = @($script:Compared['inprocess-changed'])
        $found.Count | Should -Be 1 -Because ($found | ConvertTo-Json -Depth 10 -Compress)
        $found[0].type | Should -Be 'MgBridge.TranscriptDifference'
        $found[0].where | Should -Be 'body.participants[0].identity.phone.id'
        $found[0].kind | Should -Be 'value'
        $found[0].line | Should -Be $script:ChangedLine
        $found[0].otherLine | Should -Be $script:ChangedLine
        $found[0].reference | Should -Be '+12345678901'
        $found[0].difference | Should -Be '+12345678900'
        $script:Compared['text'] | Should -Match ([regex]::Escape('body.participants[0].identity.phone.id: "+12345678901" vs "+12345678900"'))
    }

    It 'names the changed body value: mgbridge transcript diff exits 1' {
        $result = Invoke-TranscriptDiff 'inprocess' 'changed'
        $result.ExitCode | Should -Be 1 -Because $result.Output
        $result.Output | Should -Match ([regex]::Escape('body.participants[0].identity.phone.id'))
        $result.Output | Should -Match "\(line $($script:ChangedLine) vs line $($script:ChangedLine)\)"
    }
}
