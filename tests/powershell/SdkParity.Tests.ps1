# The SDK's own Invoke-MgBetaInviteCommunicationCallParticipant (AutoRest-generated, built from
# source: ../shared/genuine-sdk, `make genuine-sdk`) and mgbridge's, side by side on one sandbox
# (issue #16; docs/sdk-parity.md): the wire, the output object, $null values, retries and bad
# input. Each difference is either gone, or the README's differences table lists it, and where a
# script could depend on it, a setting restores the SDK's behaviour; these tests hold both.
#
# The genuine module is looked up in $env:MGBRIDGE_GENUINE_SDK (a modules folder), else in
# .tools/genuine-sdk/modules; its loader, setup-genuine.ps1, in $env:MGBRIDGE_GENUINE_SETUP, else
# beside that modules folder or in ../shared/genuine-sdk. Without them every test here is skipped,
# saying so; no other test file needs them. Each side runs in its own pwsh (the command names are
# the same) through SdkParityScenarios.ps1, which reports what the sandbox recorded.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    $root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $modules = if ($env:MGBRIDGE_GENUINE_SDK) { $env:MGBRIDGE_GENUINE_SDK } else { Join-Path $root '.tools' 'genuine-sdk' 'modules' }
    $setup = @(
        $env:MGBRIDGE_GENUINE_SETUP
        Join-Path $modules '..' 'setup-genuine.ps1'
        Join-Path $root '..' 'shared' 'genuine-sdk' 'setup-genuine.ps1'
    ) | Where-Object { $_ -and (Test-Path -LiteralPath $_) } | Select-Object -First 1
    $script:SkipReason = if (-not (Test-Path -LiteralPath (Join-Path $modules 'Microsoft.Graph.Beta.CloudCommunications' 'bin'))) {
        "the SDK's own module is not built in $modules (run ``make genuine-sdk``, or set MGBRIDGE_GENUINE_SDK to its modules folder)"
    } elseif (-not $setup) {
        'setup-genuine.ps1 (../shared/genuine-sdk) was not found; set MGBRIDGE_GENUINE_SETUP to it'
    }
    function Skip-WithoutGenuine {
        if ($script:SkipReason) { Set-ItResult -Skipped -Because $script:SkipReason }
    }
    # The one request a scenario sent, or $null.
    function Get-Sent($run, [string] $Scenario) {
        $requests = @($run[$Scenario].requests)
        $requests.Count | Should -BeLessOrEqual 1 -Because "$Scenario sends at most one request"
        if ($requests.Count) { $requests[0] }
    }
    # An operation's ToJsonString() without the id, which differs per invite.
    function Read-OperationJson([string] $Json) {
        $parsed = $Json | ConvertFrom-Json -AsHashtable
        $parsed.Remove('id')
        ConvertTo-CanonicalJson $parsed
    }
    if ($script:SkipReason) { return }

    $script:Sandbox = Start-TestSandbox
    $runner = Join-Path $PSScriptRoot 'SdkParityScenarios.ps1'
    # Each side's own settings only: nothing inherited from the process running the tests.
    $clean = @{
        MGBRIDGE_UNDECLARED_KEYS = $null; MGBRIDGE_NULL_STRINGS = $null; MGBRIDGE_ABSENT_OBJECTS = $null
        MGBRIDGE_TRANSPORT = $null; MGBRIDGE_SANDBOX_STATE = $null; SSL_CERT_FILE = $script:Sandbox.ca_file
    }
    function Invoke-Side([string] $Side, [string[]] $Scenario, [hashtable] $Settings = @{}) {
        $environment = $clean.Clone()
        foreach ($entry in $Settings.GetEnumerator()) { $environment[$entry.Key] = $entry.Value }
        $run = Invoke-FreshPwsh -Environment $environment -Script (
            "& '$runner' -Side $Side -StatePath '$($script:Sandbox.StateFile)' -ModulesDir '$modules' " +
            "-SetupScript '$setup' -Scenario '$($Scenario -join ',')'")
        $line = $run.Output -split "`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1
        if ($run.ExitCode -ne 0 -or -not $line) { throw "The $Side side failed:`n$($run.Output)`n$($run.Errors)" }
        $result = $line | ConvertFrom-Json -AsHashtable
        $result['stderr'] = $run.Errors
        $result
    }
    $examples = 1..7 | ForEach-Object { "example$_" }
    $badInput = 'wrongType', 'singleParticipant', 'psCustomObject', 'lowercaseKeys', 'unknownEndpointType', 'enumCasing'
    $all = @($examples) + 'object', 'nulls', 'nullsValid', 'nullExpanded' + $badInput + 'fault500'
    $script:Genuine = Invoke-Side genuine $all
    $script:Default = Invoke-Side mgbridge $all
    $sdkSettings = @{ MGBRIDGE_UNDECLARED_KEYS = 'verbatim'; MGBRIDGE_NULL_STRINGS = 'empty'; MGBRIDGE_ABSENT_OBJECTS = 'empty' }
    $script:WithSettings = Invoke-Side mgbridge (@($examples) + 'object', 'nulls', 'nullsValid') $sdkSettings
    $sdkSettings['MGBRIDGE_TRANSPORT'] = 'process'
    $script:OverProcess = Invoke-Side mgbridge 'object' $sdkSettings

}

AfterAll {
    if ($script:Sandbox) { Stop-TestSandbox $script:Sandbox }
}

Describe 'The wire of the seven help-page examples (issue #16, item 4)' {
    It 'example <_>: with MGBRIDGE_UNDECLARED_KEYS=verbatim mgbridge sends the SDK cmdlet''s body' -ForEach (1..7) {
        Skip-WithoutGenuine
        $genuine = Get-Sent $script:Genuine "example$_"
        $mine = Get-Sent $script:WithSettings "example$_"
        $genuine.status | Should -Be 200
        $mine.status | Should -Be 200
        ConvertTo-CanonicalJson $mine.body | Should -BeExactly (ConvertTo-CanonicalJson $genuine.body)
        # The same action; the SDK names it namespace-qualified, as Graph also accepts.
        $genuine.path | Should -Match '^/beta/communications/calls/[0-9a-f-]{36}/participants/microsoft\.graph\.invite$'
        $mine.path | Should -Match '^/beta/communications/calls/[0-9a-f-]{36}/participants/invite$'
    }

    It 'by default sends undeclared keys in camelCase, where the SDK sends them as typed (README)' {
        Skip-WithoutGenuine
        (Get-Sent $script:Genuine 'example1').body.participants[0].identity.user.Keys | Should -Contain 'IdentityProvider'
        (Get-Sent $script:Default 'example1').body.participants[0].identity.user.Keys | Should -Contain 'identityProvider'
        (Get-Sent $script:Genuine 'example4').body.participants[0].identity.Keys | Should -Contain 'Phone'
        (Get-Sent $script:Default 'example4').body.participants[0].identity.Keys | Should -Contain 'phone'
    }
}

Describe 'The output object (issue #16, item 1)' {
    It 'has the SDK model''s type name, properties, values, AdditionalProperties and ToJsonString()' {
        Skip-WithoutGenuine
        $genuine = $script:Genuine['object'].outputs[0]
        foreach ($run in $script:Default, $script:WithSettings, $script:OverProcess) {
            $mine = $run['object'].outputs[0]
            $mine.typeName | Should -BeExactly $genuine.typeName
            $mine.properties | Should -Be $genuine.properties
            foreach ($name in 'status', 'clientContext', 'odataContext', 'odataType', 'replacesCallId', 'userId', 'resultInfoCode') {
                $mine[$name] | Should -Be $genuine[$name] -Because $name
            }
        }
        # The reply echoes the request, so the same request (verbatim keys) gives the same JSON.
        foreach ($run in $script:WithSettings, $script:OverProcess) {
            $mine = $run['object'].outputs[0]
            Read-OperationJson $mine.json | Should -BeExactly (Read-OperationJson $genuine.json)
            ConvertTo-CanonicalJson ($mine.participantJson | ConvertFrom-Json -AsHashtable) |
                Should -BeExactly (ConvertTo-CanonicalJson ($genuine.participantJson | ConvertFrom-Json -AsHashtable))
            $mine.userExtra | Sort-Object | Should -Be ($genuine.userExtra | Sort-Object)
        }
    }

    It 'is not of the SDK''s .NET class: PSObject.TypeNames[0] names it on both (README)' {
        Skip-WithoutGenuine
        $genuine = $script:Genuine['object'].outputs[0]
        $mine = $script:Default['object'].outputs[0]
        $genuine.fullName | Should -BeExactly 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation'
        $genuine.isModel | Should -Be 'True'
        $mine.fullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $mine.isModel | Should -Be 'no such type'
        $mine.typeName | Should -BeExactly $genuine.fullName
    }

    It 'has ResultInfo $null where Graph sent none; with MGBRIDGE_ABSENT_OBJECTS=empty an empty one, as the SDK' {
        Skip-WithoutGenuine
        $genuine = $script:Genuine['object'].outputs[0]
        $genuine.resultInfoIsNull | Should -BeFalse
        $genuine.strictResultInfo | Should -Be 'ok'
        $script:Default['object'].outputs[0].resultInfoIsNull | Should -BeTrue
        $script:Default['object'].outputs[0].strictResultInfo | Should -Be 'error' -Because 'Set-StrictMode: $null.Code fails'
        foreach ($run in $script:WithSettings, $script:OverProcess) {
            $run['object'].outputs[0].resultInfoIsNull | Should -BeFalse
            $run['object'].outputs[0].strictResultInfo | Should -Be 'ok'
        }
    }
}

Describe '$null values in a body (issue #16, item 2)' {
    It 'the SDK sends "" for string properties given $null; mgbridge leaves them out, or with MGBRIDGE_NULL_STRINGS=empty sends the same' {
        Skip-WithoutGenuine
        foreach ($scenario in 'nulls', 'nullsValid') {
            $genuine = Get-Sent $script:Genuine $scenario
            $mine = Get-Sent $script:WithSettings $scenario
            ConvertTo-CanonicalJson $mine.body | Should -BeExactly (ConvertTo-CanonicalJson $genuine.body)
            $mine.status | Should -Be $genuine.status
            # Graph's 400 (an empty endpointType) is written as the same error record.
            @($script:WithSettings[$scenario].errors).id | Should -Be @($script:Genuine[$scenario].errors).id
            @($script:WithSettings[$scenario].errors).message | Should -Be @($script:Genuine[$scenario].errors).message
        }
        (Get-Sent $script:Genuine 'nulls').body.clientContext | Should -BeExactly ''
        (Get-Sent $script:Genuine 'nulls').body.participants[0].endpointType | Should -BeExactly '' -Because 'Graph then answers 400'
        (Get-Sent $script:Genuine 'nulls').status | Should -Be 400
        $default = Get-Sent $script:Default 'nulls'
        $default.body.Keys | Should -Not -Contain 'clientContext'
        $default.body.participants[0].Keys | Should -Not -Contain 'replacesCallId'
        $default.status | Should -Be 200
    }

    It 'both send "" for -ClientContext $null, which PowerShell binds as ""' {
        Skip-WithoutGenuine
        $genuine = Get-Sent $script:Genuine 'nullExpanded'
        $mine = Get-Sent $script:Default 'nullExpanded'
        $genuine.body.clientContext | Should -BeExactly ''
        ConvertTo-CanonicalJson $mine.body | Should -BeExactly (ConvertTo-CanonicalJson $genuine.body)
    }
}

Describe 'Retries (issue #16, item 3)' {
    It 'after a 500 the SDK cmdlet sends the POST 4 times, mgbridge once; both write the error' {
        Skip-WithoutGenuine
        $genuine = $script:Genuine['fault500']
        $mine = $script:Default['fault500']
        @($genuine.requests).Count | Should -Be 4
        @($genuine.requests | Where-Object status -EQ 500).Count | Should -Be 4
        @($mine.requests).Count | Should -Be 1
        $mine.requests[0].status | Should -Be 500
        $mine.errors[0].id | Should -BeExactly $genuine.errors[0].id
        $mine.errors[0].message | Should -BeExactly $genuine.errors[0].message
        $mine.errors[0].id | Should -BeLike 'generalException,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaInviteCommunicationCallParticipant_Invite'
    }
}

Describe 'Bad input, where mgbridge is stricter or more lenient (issue #16, item 5)' {
    It 'a wrong-typed value: the SDK drops it (a FormatException trace on stderr) and sends the rest; mgbridge names it and sends nothing' {
        Skip-WithoutGenuine
        $genuine = Get-Sent $script:Genuine 'wrongType'
        $genuine.status | Should -Be 200
        $genuine.body.participants[0].Keys | Should -Not -Contain 'hidden'
        # A Debug build's diagnostic (the generator's #if DEBUG; build.sh builds Debug); a Release
        # build, as published, writes nothing.
        if ($script:Genuine.stderr) {
            $script:Genuine.stderr | Should -Match "FormatException/String 'maybe' was not recognized as a valid Boolean"
        }
        Get-Sent $script:Default 'wrongType' | Should -BeNullOrEmpty
        $script:Default['wrongType'].errors[0].id | Should -BeLike 'BodyError,*'
        $script:Default['wrongType'].errors[0].message | Should -BeLike 'Participants`[0`].Hidden: expected boolean*'
    }

    It 'one participant not in an array: the SDK sends participants [] and gets a 400; mgbridge sends it' {
        Skip-WithoutGenuine
        $genuine = Get-Sent $script:Genuine 'singleParticipant'
        @($genuine.body.participants).Count | Should -Be 0
        $genuine.status | Should -Be 400
        $script:Genuine['singleParticipant'].errors[0].id | Should -BeLike 'BadRequest,*'
        $mine = Get-Sent $script:Default 'singleParticipant'
        @($mine.body.participants).Count | Should -Be 1
        $mine.status | Should -Be 200
    }

    It 'a PSCustomObject body: the SDK fails parameter binding; mgbridge sends it' {
        Skip-WithoutGenuine
        Get-Sent $script:Genuine 'psCustomObject' | Should -BeNullOrEmpty
        $script:Genuine['psCustomObject'].thrown.id | Should -BeLike 'ParameterArgumentTransformationError,*'
        (Get-Sent $script:Default 'psCustomObject').status | Should -Be 200
    }

    It 'all-lowercase keys: the SDK fails with a duplicate-key error and sends nothing; mgbridge sends them' {
        Skip-WithoutGenuine
        Get-Sent $script:Genuine 'lowercaseKeys' | Should -BeNullOrEmpty
        $script:Genuine['lowercaseKeys'].errors[0].message | Should -BeLike 'An item with the same key has already been added*'
        $mine = Get-Sent $script:Default 'lowercaseKeys'
        $mine.status | Should -Be 200
        $mine.body.clientContext | Should -BeExactly 'lowercase'
        $mine.body.participants[0].identity.user.id | Should -Not -BeNullOrEmpty
    }

    It 'an unknown endpointType: the SDK sends it and gets a 400; mgbridge names it and sends nothing' {
        Skip-WithoutGenuine
        $genuine = Get-Sent $script:Genuine 'unknownEndpointType'
        $genuine.body.participants[0].endpointType | Should -BeExactly 'bogus'
        $genuine.status | Should -Be 400
        Get-Sent $script:Default 'unknownEndpointType' | Should -BeNullOrEmpty
        $script:Default['unknownEndpointType'].errors[0].message | Should -BeLike 'Participants`[0`].EndpointType: expected one of*'
    }

    It 'enum casing: the SDK sends VOICEMAIL as typed; mgbridge sends Graph''s voicemail' {
        Skip-WithoutGenuine
        (Get-Sent $script:Genuine 'enumCasing').body.participants[0].endpointType | Should -BeExactly 'VOICEMAIL'
        (Get-Sent $script:Default 'enumCasing').body.participants[0].endpointType | Should -BeExactly 'voicemail'
    }
}
