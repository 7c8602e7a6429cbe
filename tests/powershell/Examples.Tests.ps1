# The help page's seven examples run unchanged through the demo runner (examples/Invoke-Demo.ps1),
# through both transports, and put on the wire exactly the JSON of the documented HTTP examples
# (tests/data/documented_examples.json); the Python and mixed examples run too.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $script:Documented = Get-Content -Raw -LiteralPath (Join-Path $script:Root 'tests' 'data' 'documented_examples.json') |
        ConvertFrom-Json -AsHashtable
    $script:Python = if ($env:MGBRIDGE_PYTHON) { $env:MGBRIDGE_PYTHON } else {
        (Get-Content -LiteralPath (Join-Path $script:Root 'psmodule' 'MgBridge' 'python-path.txt') -TotalCount 1).Trim()
    }
}

Describe 'The demo runner through the <Transport> transport' -ForEach @(
    @{ Transport = 'inprocess' }
    @{ Transport = 'process' }
) {
    BeforeAll {
        $script:RequestLog = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-demo-requests-$Transport-$PID.json"
        $demo = Join-Path $script:Root 'examples' 'Invoke-Demo.ps1'
        $script:Run = Invoke-FreshPwsh -Environment @{ MGBRIDGE_TRANSPORT = $Transport } -Script "& '$demo' -RequestLog '$script:RequestLog'; exit `$LASTEXITCODE"
        $script:Requests = if (Test-Path -LiteralPath $script:RequestLog) {
            Get-Content -Raw -LiteralPath $script:RequestLog | ConvertFrom-Json -AsHashtable -NoEnumerate
        }
    }

    AfterAll {
        Remove-Item -LiteralPath $script:RequestLog -ErrorAction Ignore
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
}

Describe 'The Python and mixed examples' {
    It 'runs the seven invites from Python with the same dicts' {
        $state = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-pyexample-$PID" 'sandbox.json'
        $start = [System.Diagnostics.ProcessStartInfo]::new($script:Python)
        $start.ArgumentList.Add((Join-Path $script:Root 'examples' 'python' 'invite_examples.py'))
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['MGBRIDGE_SANDBOX_STATE'] = $state
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
