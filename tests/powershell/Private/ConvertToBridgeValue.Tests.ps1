# PowerShell values -> plain JSON data, at any depth, refusing what is not data. Every case runs
# on both implementations: the script walk (ConvertBridgeNode, the reference, used when the host
# assembly is not built) and the host's compiled copy that ConvertToBridgeValue uses once the
# in-process host is loaded.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'TestHelpers.psm1') -Force
    Import-Module (Get-ModuleManifestPath) -Force
    function ConvertToJson($value, $path = 'BodyParameter') {
        InModuleScope MgBridge -Parameters @{ Value = $value; Path = $path; Implementation = $script:Implementation } {
            param($Value, $Path, $Implementation)
            $refusal = $null
            if ($Implementation -eq 'script') {
                $failure = @{ Message = $null }
                $converted = ConvertBridgeNode $Value $Path 0
                $refusal = $failure.Message
            } else {
                $converted = ConvertToBridgeValue -InputObject $Value -Path $Path -Refusal ([ref]$refusal)
            }
            if ($refusal) { throw [System.ArgumentException]::new($refusal) }
            ConvertTo-Json -InputObject $converted -Depth 100 -Compress
        }
    }
}

AfterAll {
    Remove-Module -Name MgBridge -Force -ErrorAction Ignore
}

Describe 'ConvertToBridgeValue (<_>)' -ForEach 'script', 'compiled' {
    BeforeAll {
        $script:Implementation = $_
        if ($_ -eq 'compiled') {
            # Loading the host (starting Python, as any in-process call does) switches
            # ConvertToBridgeValue to the compiled walk.
            $script:Compiled = InModuleScope MgBridge {
                try { $null = InvokeBridge hosting_info; [bool]('MgBridge.Host.Values' -as [type]) } catch { $false }
            }
        }
    }

    BeforeEach {
        if ($script:Implementation -eq 'compiled' -and -not $script:Compiled) {
            Set-ItResult -Skipped -Because 'the in-process host is not built here'
        }
    }

    It 'keeps keys as given in every dictionary kind, nested at any level' {
        ConvertToJson ([ordered]@{ Participants = @([ordered]@{ Identity = [ordered]@{ User = [ordered]@{ Id = 'x'; IdentityProvider = 'AAD' } } }); ClientContext = 'c' }) |
            Should -BeExactly '{"Participants":[{"Identity":{"User":{"Id":"x","IdentityProvider":"AAD"}}}],"ClientContext":"c"}'
        $caseSensitive = '{"participants":[],"Participants":[{"id":"1"}]}' | ConvertFrom-Json -AsHashtable
        ConvertToJson $caseSensitive | Should -BeExactly '{"participants":[],"Participants":[{"id":"1"}]}'
    }

    It 'reads PSCustomObjects, including ConvertFrom-Json and Select-Object output' {
        ConvertToJson ('{"a":{"b":[1,{"c":null}]}}' | ConvertFrom-Json) | Should -BeExactly '{"a":{"b":[1,{"c":null}]}}'
        ConvertToJson ([pscustomobject]@{ Name = 'n' } | Select-Object -Property Name) | Should -BeExactly '{"Name":"n"}'
    }

    It 'keeps arrays as arrays: empty, single, nested, with nulls' {
        ConvertToJson @{ a = @() } | Should -BeExactly '{"a":[]}'
        ConvertToJson @{ a = @(1) } | Should -BeExactly '{"a":[1]}'
        ConvertToJson @{ a = @(, @(1)) } | Should -BeExactly '{"a":[[1]]}'
        ConvertToJson @{ a = @($null, 'x') } | Should -BeExactly '{"a":[null,"x"]}'
        ConvertToJson @{ a = [System.Collections.Generic.List[int]]@(1, 2) } | Should -BeExactly '{"a":[1,2]}'
    }

    It 'converts scalars: booleans, numbers, dates in UTC, enums by name, wrapped values unwrapped' {
        $date = [datetime]::new(2024, 5, 6, 7, 8, 9, [System.DateTimeKind]::Utc)
        $wrapped = 'text' | Add-Member -NotePropertyName Extra -NotePropertyValue 1 -PassThru
        ConvertToJson @(
            $true, 0, [long]9007199254740993, 1.5, [decimal]2.25, $date, [datetimeoffset]'2024-01-01T10:00:00+02:00',
            [System.DayOfWeek]::Monday, [timespan]'01:02:03', [guid]'6c3e5a8e-2f4b-4f3a-9d7e-1a2b3c4d5e6f', $wrapped, [char]'c'
        ) | Should -BeExactly ('[true,0,9007199254740993,1.5,2.25,"2024-05-06T07:08:09Z","2024-01-01T08:00:00Z",' +
            '"Monday","PT1H2M3S","6c3e5a8e-2f4b-4f3a-9d7e-1a2b3c4d5e6f","text","c"]')
    }

    It 'refuses a <Kind>, naming where it is' -TestCases @(
        @{ Kind = 'ScriptBlock'; Value = { 'x' } }
        @{ Kind = 'SecureString'; Value = (ConvertTo-SecureString -String 'secret' -AsPlainText) }
        @{ Kind = 'Process'; Value = [System.Diagnostics.Process]::GetCurrentProcess() }
    ) {
        param($Kind, $Value)
        $body = @{ Participants = @(@{ Identity = $Value }) }
        { ConvertToJson $body } | Should -Throw -ExceptionType ([System.ArgumentException]) -ExpectedMessage "BodyParameter.Participants``[0``].Identity: a value of type *$Kind*"
    }

    It 'refuses NaN and infinities' {
        { ConvertToJson @{ a = [double]::NaN } } | Should -Throw -ExpectedMessage 'BodyParameter.a: NaN is not a finite number*'
        { ConvertToJson @{ a = [double]::PositiveInfinity } } | Should -Throw -ExpectedMessage '*not a finite number*'
    }

    It 'stops at 64 levels: a 1,000-level structure and a self-reference fail cleanly' {
        $deep = ('[' * 1000) + (']' * 1000) | ConvertFrom-Json -Depth 1100 -AsHashtable
        { ConvertToJson $deep } | Should -Throw -ExpectedMessage '*nested more than 64 levels deep*'
        $self = @{}
        $self.Self = $self
        { ConvertToJson $self } | Should -Throw -ExpectedMessage 'BodyParameter.Self.Self*nested more than 64 levels deep*'
        $ok = @{}
        $node = $ok
        for ($level = 1; $level -lt 64; $level++) { $node.N = @{}; $node = $node.N }
        { ConvertToJson $ok } | Should -Not -Throw
    }

    It 'refuses a script property without running it, and a key that is not text' {
        $user = [pscustomobject]@{ Id = 'u' }
        $user | Add-Member -MemberType ScriptProperty -Name Computed -Value { throw 'ran' }
        { ConvertToJson @{ User = $user } } | Should -Throw -ExpectedMessage 'BodyParameter.User.Computed: a ScriptProperty computes its value*'
        { ConvertToJson @{ 1 = 'x' } } | Should -Throw -ExpectedMessage 'BodyParameter: the key 1 is a Int32; keys must be strings*'
    }
}
