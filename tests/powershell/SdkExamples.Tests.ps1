# Every documented example of the SDK's calls-family commands (tests/data/sdk_examples, beta and
# v1.0) runs unchanged through examples/Invoke-SdkExamples.ps1 against the sandbox, and where
# Graph's docs give the HTTP request the example was made from (tests/data/sdk_examples/http),
# the request the sandbox recorded is that request: same method, same path, and the same JSON body.

BeforeDiscovery {
    # Examples whose body is bad input, and the error naming it.
    $script:Refused = @{
        'beta/Update-MgBetaCommunicationCallRecordingStatus/1' = "status: expected one of unknown, notRecording, recording, failed, unknownFutureValue, got 'notRecording | recording | failed'*"
        'v1.0/Update-MgCommunicationCallRecordingStatus/1'     = "Status: expected one of unknown, notRecording, recording, failed, unknownFutureValue, got 'notRecording | recording | failed'*"
    }
    $root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $script:Documented = foreach ($file in Get-ChildItem -Path (Join-Path $root 'tests' 'data' 'sdk_examples' 'http') -Recurse -Filter '*.json') {
        foreach ($entry in (Get-Content -Raw -LiteralPath $file.FullName | ConvertFrom-Json -AsHashtable -NoEnumerate)) {
            $key = "$($file.Directory.Name)/$($file.BaseName)/$($entry.example)"
            @{ Version = $file.Directory.Name; Command = $file.BaseName; Example = $entry.example; Entry = $entry; Refusal = $script:Refused[$key] }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    $root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $resultFile = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-sdk-examples-$PID.json"
    $runner = Join-Path $root 'examples' 'Invoke-SdkExamples.ps1'
    $script:Run = Invoke-FreshPwsh -Script "& '$runner' -ResultFile '$resultFile'; exit `$LASTEXITCODE"
    $script:Results = @{}
    if (Test-Path -LiteralPath $resultFile) {
        foreach ($result in (Get-Content -Raw -LiteralPath $resultFile | ConvertFrom-Json -AsHashtable -NoEnumerate)) {
            $script:Results["$($result.version)/$($result.command)/$($result.example)"] = $result
        }
        Remove-Item -LiteralPath $resultFile
    }
    $script:Counts = @{ Equal = 0; NoBody = 0; NotComparable = 0; Refused = 0 }

    function Remove-NullMember($Value) {
        # mgbridge leaves out what a script sets to $null (README: differences from the SDK);
        # the docs' JSON writes those members as null.
        if ($Value -is [System.Collections.IDictionary]) {
            $kept = [ordered]@{}
            foreach ($key in $Value.Keys) { if ($null -ne $Value[$key]) { $kept[$key] = Remove-NullMember $Value[$key] } }
            return $kept
        }
        if ($Value -is [System.Collections.IList]) { return , @($Value | ForEach-Object { Remove-NullMember $_ }) }
        $Value
    }

    function ConvertTo-PathShape([string] $Path) {
        # Ids differ between the docs and the sandbox; the shape of the path must not.
        $path = ($Path -split '\?')[0] -replace '^https://graph\.microsoft\.com', '' -replace '^/(beta|v1\.0)', '' -replace '^/app/calls', '/communications/calls'
        $path -replace '/(calls|participants|operations|audioRoutingGroups|contentSharingSessions)/(?!\$count)[^/]+', '/$1/{id}'
    }
}

AfterAll {
    Write-Host ("SDK examples: {0} run; {1} bodies equal the documented JSON; {2} requests without a body; {3} not comparable (the SDK's example differs from the docs', or the docs give no request); {4} refused as bad input before sending" -f
        $script:Results.Count, $script:Counts.Equal, $script:Counts.NoBody, $script:Counts.NotComparable, $script:Counts.Refused)
}

Describe 'The SDK''s documented examples of the calls family' {
    It 'all run, but for the bad input two of them hold, and the runner says so' -ForEach @(@{ All = @($Documented).Count; Bad = $Refused.Count }) {
        $script:Run.ExitCode | Should -Be 0 -Because "$($script:Run.Output)`n$($script:Run.Errors)"
        $script:Run.Output | Should -Match "(?m)^$($All - $Bad) of $All SDK examples ran; $Bad refused before sending, naming what is wrong; 0 failed\."
        $script:Results.Count | Should -Be $All
    }

    It '<Version> <Command> example <Example> sends the documented request' -ForEach $Documented {
        $result = $script:Results["$Version/$Command/$Example"]
        $result | Should -Not -BeNullOrEmpty -Because 'every documented example is run'
        if ($Refusal) {
            # Graph would answer 400; mgbridge says so before sending anything.
            $result.refused | Should -BeTrue -Because $result.error
            $result.error | Should -BeLike $Refusal
            $result.method | Should -BeNullOrEmpty -Because 'nothing is sent'
            $script:Counts.Refused++
            return
        }
        $result.ok | Should -BeTrue -Because $result.error
        $result.method | Should -Be $Entry.method
        ConvertTo-PathShape $result.path | Should -Be (ConvertTo-PathShape $Entry.url)
        $documented = $Entry.body
        if ($Entry.Contains('body_without_trailing_commas')) {
            # The docs' JSON has trailing commas (invalid JSON); what it means is plain.
            $documented = $Entry.body_without_trailing_commas
        }
        if ($null -eq $documented) {
            $result.body | Should -BeNullOrEmpty
            $script:Counts.NoBody++
        } elseif ($documented -isnot [System.Collections.IDictionary] -or $Entry.sdk_example_differs) {
            $script:Counts.NotComparable++
            Set-ItResult -Skipped -Because "not comparable: $($Entry.note)"
        } else {
            ConvertTo-CanonicalJson $result.body | Should -BeExactly (ConvertTo-CanonicalJson (Remove-NullMember $documented))
            $script:Counts.Equal++
        }
    }
}
