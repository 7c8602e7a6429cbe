# Reliability and security from PowerShell, against a real sandbox with the real core:
# - the bad-input corpus (tests/data/bad_inputs.json) through the invite cmdlet, with real
#   PowerShell values where a case needs them, in both transports: the error kind and a message
#   naming the problem, no request reaching the sandbox, and a valid invite right after;
# - secrets: sign-ins and failing sign-ins with -Verbose -Debug, every stream, $Error, a
#   transcript and the mgbridge CLI: no secret, password or token in any of it;
# - load: 8 runspaces sharing the in-process connection: all accepted once, no hang, no thread
#   left, memory flat after the warm-up.
# Each part runs reliability/Invoke-PwshRun.ps1 in a fresh pwsh (Python is hosted once per
# process); the fault run is reliability/run.py's (tests/python/test_reliability_run.py).

BeforeDiscovery {
    $root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    Import-Module (Join-Path $root 'reliability' 'Reliability.psm1') -Force
    $script:CorpusCases = @(Get-CorpusCase | ForEach-Object { @{ Id = $_.Id; What = $_.What } })
    $script:Transports = @('inprocess', 'process')
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $script:Python = (Get-Content -LiteralPath (Join-Path $script:Root 'psmodule' 'MgBridge' 'python-path.txt') -TotalCount 1).Trim()
    $script:Sandbox = Start-TestSandbox

    function Invoke-ReliabilityPart {
        # One part of reliability/Invoke-PwshRun.ps1 in a fresh pwsh; its JSON result.
        param([hashtable] $Request, [string] $Transport = 'inprocess', [hashtable] $Environment = @{})
        $folder = $script:Sandbox.Folder
        $name = "$($Request.part)-$Transport-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
        $requestFile = Join-Path $folder "$name.request.json"
        $outputFile = Join-Path $folder "$name.json"
        ConvertTo-Json -InputObject $Request -Depth 20 | Set-Content -LiteralPath $requestFile
        $start = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME 'pwsh'))
        foreach ($argument in '-NoProfile', '-NonInteractive', '-File', (Join-Path $script:Root 'reliability' 'Invoke-PwshRun.ps1'),
            '-RequestFile', $requestFile, '-OutputFile', $outputFile) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.WorkingDirectory = $script:Root
        $start.Environment['MGBRIDGE_SANDBOX_STATE'] = $script:Sandbox.StateFile
        $start.Environment['MGBRIDGE_TRANSPORT'] = $Transport
        $start.Environment['XDG_CONFIG_HOME'] = Join-Path $folder "config-$name"
        foreach ($entry in $Environment.GetEnumerator()) { $start.Environment[$entry.Key] = $entry.Value }
        $process = [System.Diagnostics.Process]::Start($start)
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        if ($process.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $outputFile)) {
            throw "Invoke-PwshRun.ps1 ($($Request.part), $Transport) failed with $($process.ExitCode):`n$stdout`n$($stderr.Result)"
        }
        $result = Get-Content -LiteralPath $outputFile -Raw | ConvertFrom-Json -AsHashtable -Depth 50
        $result['stdout'] = $stdout
        $result['stderr'] = $stderr.Result
        $result
    }

    function Assert-KnownBug {
        # A case the corpus marks as a reported product bug: skipped while it fails, and failing
        # once it passes, so the mark gets removed.
        param([string] $KnownBug, [string[]] $Problems)
        if (-not $KnownBug) { return $false }
        if ($Problems) { Set-ItResult -Skipped -Because $KnownBug; return $true }
        throw "Fixed: remove the known_bug mark from the corpus. ($KnownBug)"
    }
}

AfterAll {
    Stop-TestSandbox -Sandbox $script:Sandbox
}

Describe 'Bad input through the invite cmdlet (<_>)' -ForEach $Transports {
    BeforeAll {
        $script:Transport = $_
        Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'reset' | Out-Null
        $run = Invoke-ReliabilityPart -Request @{ part = 'badinput' } -Transport $script:Transport
        $script:Results = @{}
        foreach ($case in $run['cases']) { $script:Results[$case['id']] = $case }
        $script:Corpus = @{}
        foreach ($case in Get-CorpusCase) { $script:Corpus[$case.Id] = $case }
        $script:RunTransport = $run['transport']
    }

    It 'runs in the transport asked for' {
        $script:RunTransport | Should -Be $(if ($script:Transport -eq 'process') { 'Process' } else { 'InProcess' })
    }

    It '<Id>: <What>' -ForEach $CorpusCases {
        $result = $script:Results[$Id]
        $result | Should -Not -BeNullOrEmpty
        if ($result['skip']) { Set-ItResult -Skipped -Because $result['skip']; return }
        $problems = @($result['problems'])
        if ($result['sent']) { $problems += "$($result['sent']) request(s) reached the sandbox" }
        if (-not $result['survived']) { $problems += 'the valid invite right after failed' }
        if (Assert-KnownBug -KnownBug $result['known_bug'] -Problems $problems) { return }
        $problems | Should -BeNullOrEmpty -Because "$($result['kind']): $($result['message'])"
        $result['kind'] | Should -Not -Be 'None'
    }

    It 'a refused body leaves one error record in -ErrorVariable' {
        $many = @($script:Results.Values | Where-Object { $_['kind'] -eq 'BodyError' -and $_['records'] -gt 1 } | ForEach-Object { "$($_['id']): $($_['records'])" })
        $many | Should -BeNullOrEmpty
    }
}

Describe 'No secret in any PowerShell stream' {
    BeforeAll {
        $state = Get-Content -LiteralPath $script:Sandbox.StateFile -Raw | ConvertFrom-Json
        function New-Token([hashtable] $Options) { (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'tokens' -Body $Options).access_token }
        $script:Secrets = [ordered]@{
            'client secret'        = $state.client_secret
            'certificate password' = $state.certificate_password
            'no-role secret'       = $state.no_role_client_secret
            'given token'          = New-Token @{ lifetimeSeconds = 600 }
            'expired token'        = New-Token @{ lifetimeSeconds = -600 }
            'foreign token'        = New-Token @{ foreignKey = $true }
            'wrong secret'         = "Wr0ng~secret.value-$([guid]::NewGuid().ToString('n'))"
            'wrong password'       = "wr0ng-pfx-password-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        }
        $request = @{
            part = 'secrets'; token = $script:Secrets['given token']; expired_token = $script:Secrets['expired token']
            foreign_token = $script:Secrets['foreign token']; wrong_secret = $script:Secrets['wrong secret']
            wrong_password = $script:Secrets['wrong password']
        }
        $run = Invoke-ReliabilityPart -Request $request
        $script:Texts = $run['texts']
        $script:Texts['stdout'] = $run['stdout']
        $script:Texts['stderr'] = $run['stderr']
        $script:Texts['sandbox request log'] = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Path 'requests') | ConvertTo-Json -Depth 20 -Compress
    }

    It 'the flows ran: sign-ins, invites and the failures' {
        $script:Texts['secret'] | Should -Match 'Connected via apponly'
        $script:Texts['secret'] | Should -Match 'response: 200 OK'
        $script:Texts['secret'] | Should -Match 'Bearer <redacted>'
        $script:Texts['certificate with password'] | Should -Match 'response: 200 OK'
        $script:Texts['access token'] | Should -Match 'response: 200 OK'
        $script:Texts['environment variables'] | Should -Match 'response: 200 OK'
        $script:Texts['wrong secret'] | Should -Match 'client secret is wrong'
        $script:Texts['wrong certificate password'] | Should -Match 'password'
        $script:Texts['expired token'] | Should -Match 'expired'
        $script:Texts['foreign token'] | Should -Match '401'
        $script:Texts['app without the role'] | Should -Match '403'
        $script:Texts['mgbridge CLI'] | Should -Match 'response: 200 OK'
        $script:Texts['transcript'] | Should -Match 'Connected via apponly'
    }

    It 'no secret, password or token, in any form, in streams, $Error, transcript, CLI or request log' {
        $textsFile = Join-Path $script:Sandbox.Folder 'texts.json'
        $secretsFile = Join-Path $script:Sandbox.Folder 'secrets.json'
        ConvertTo-Json -InputObject $script:Texts -Depth 5 | Set-Content -LiteralPath $textsFile -Encoding utf8NoBOM
        ConvertTo-Json -InputObject $script:Secrets | Set-Content -LiteralPath $secretsFile -Encoding utf8NoBOM
        Push-Location $script:Root
        try { $found = & $script:Python -m reliability.leaks $textsFile $secretsFile } finally { Pop-Location }
        Remove-Item -LiteralPath $textsFile, $secretsFile
        $found | Should -Be '[]'
    }
}

Describe 'Load: 8 runspaces sharing the in-process connection' {
    BeforeAll {
        Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'reset' | Out-Null
        $callId = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'calls' -Body @{}).id
        $run = [guid]::NewGuid().ToString('n').Substring(0, 6)
        $script:Contexts = @(0..239 | ForEach-Object { "pester-load-$run-$_" })
        # A warm-up round of 10 invites per runspace (.NET recompiles hot code after the first
        # calls), then 4 rounds of 5 per runspace.
        $rounds = @(, @($script:Contexts[0..79])) + @(0..3 | ForEach-Object { , @($script:Contexts[(80 + $_ * 40)..(80 + $_ * 40 + 39)]) })
        $script:Run = Invoke-ReliabilityPart -Request @{ part = 'load'; call_id = $callId; rounds = $rounds; runspaces = 8; deadline_s = 300 }
        $script:Stats = Invoke-SandboxAdmin -Sandbox $script:Sandbox -Path 'stats'
    }

    It 'runs in-process' {
        $script:Run['transport'] | Should -Be 'InProcess'
    }

    It 'every invite is one operation, accepted once: none lost, none duplicated, none hung' {
        $outcomes = @($script:Run['outcomes'])
        $outcomes.Count | Should -Be 240
        @($outcomes | Where-Object { $_['kind'] -ne 'operation' }).Count | Should -Be 0
        @($outcomes | Where-Object { $_['op_context'] -ne $_['context'] }).Count | Should -Be 0
        foreach ($context in $script:Contexts) {
            $script:Stats.clientContexts.$context.accepted | Should -Be 1 -Because $context
        }
        $script:Stats.invites.accepted | Should -Be 240
    }

    It 'no thread is left and memory stays flat after the warm-up' {
        $rounds = @($script:Run['rounds'])
        $steady = $rounds | ForEach-Object { $_['threads'] - $_['tp_workers'] }
        ($steady[-1] - $steady[0]) | Should -BeLessOrEqual 2
        $closed = $script:Run['closed']['threads'] - $script:Run['closed']['tp_workers']
        $start = $script:Run['start']['threads'] - $script:Run['start']['tp_workers']
        ($closed - $start) | Should -BeLessOrEqual 2 -Because 'the runspace pool is closed'
        ($rounds[-1]['managed_mb'] - $rounds[0]['managed_mb']) | Should -BeLessOrEqual 4
        ($rounds[-1]['working_mb'] - $rounds[0]['working_mb']) | Should -BeLessOrEqual 24
        # Settled: the last rounds add (almost) nothing. Over two rounds, as one round's working
        # set moved by 4.5 MB once (the GC returning memory late), which a leak does every round.
        (($rounds[-1]['working_mb'] - $rounds[-3]['working_mb']) / 2) | Should -BeLessOrEqual 4
    }
}
