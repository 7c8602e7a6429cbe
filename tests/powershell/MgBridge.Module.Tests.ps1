# The module's surface: exports, help, the SDK's parameter sets and the drop-in manifests. No
# Python is started here.

BeforeDiscovery {
    $root = Join-Path $PSScriptRoot '..' '..'
    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $root 'psmodule' 'MgBridge' 'MgBridge.psd1')
    $script:Exported = foreach ($name in $manifest.FunctionsToExport) { @{ Name = $name } }
    $script:InviteCmdlets = @(
        @{ Name = 'Invoke-MgBetaInviteCommunicationCallParticipant'; Module = 'Microsoft.Graph.Beta.CloudCommunications' }
        @{ Name = 'Invoke-MgInviteCommunicationCallParticipant'; Module = 'Microsoft.Graph.CloudCommunications' }
    )
    $script:Compat = foreach ($folder in Get-ChildItem -LiteralPath (Join-Path $root 'psmodule' 'compat') -Directory) {
        @{ Name = $folder.Name; Path = Join-Path $folder.FullName "$($folder.Name).psd1" }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Root = Join-Path $PSScriptRoot '..' '..'
    $script:ManifestPath = Get-ModuleManifestPath
    $script:Module = Import-Module $script:ManifestPath -Force -PassThru
}

AfterAll {
    Remove-Module -Name MgBridge -Force -ErrorAction Ignore
}

Describe 'MgBridge manifest' {
    It 'exports exactly the functions of Public/*.ps1 and of the generated calls commands' {
        $manifest = Import-PowerShellDataFile -LiteralPath $script:ManifestPath
        $public = (Get-ChildItem -LiteralPath (Join-Path $script:Root 'psmodule' 'MgBridge' 'Public') -Filter '*.ps1').BaseName
        $generated = [System.Management.Automation.Language.Parser]::ParseFile(
            (Join-Path $script:Root 'psmodule' 'MgBridge' 'Generated' 'CallsCommands.ps1'), [ref]$null, [ref]$null).FindAll(
            { $args[0] -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $false).Name
        $public = @($public) + $generated
        $manifest.FunctionsToExport | Sort-Object | Should -Be ($public | Sort-Object)
        $script:Module.ExportedFunctions.Keys | Sort-Object | Should -Be ($public | Sort-Object)
        $manifest.CmdletsToExport | Should -BeNullOrEmpty
        $manifest.AliasesToExport | Should -BeNullOrEmpty
        $manifest.VariablesToExport | Should -BeNullOrEmpty
    }

    It 'names private helpers without a hyphen' {
        (Get-ChildItem -LiteralPath (Join-Path $script:Root 'psmodule' 'MgBridge' 'Private') -Filter '*.ps1').BaseName |
            Where-Object { $_ -match '-' } | Should -BeNullOrEmpty
    }

    It '<Name> has a synopsis, an example, parameter help and an OutputType' -TestCases $script:Exported {
        param($Name)
        $help = Get-Help -Name $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))"
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $command = Get-Command -Name $Name
        $command.OutputType | Should -Not -BeNullOrEmpty
        foreach ($parameter in $command.Parameters.Values) {
            if ($parameter.Name -in [System.Management.Automation.PSCmdlet]::CommonParameters -or
                $parameter.Name -in [System.Management.Automation.PSCmdlet]::OptionalCommonParameters) { continue }
            ($help.Parameters.Parameter | Where-Object Name -EQ $parameter.Name).Description.Text |
                Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) of $Name needs a description"
        }
    }
}

Describe '<Name>' -ForEach $script:InviteCmdlets {
    BeforeAll {
        $script:Command = Get-Command -Name $Name
    }

    It 'has the four parameter sets of the help page, InviteExpanded by default' {
        $script:Command.ParameterSets.Name | Sort-Object | Should -Be @('Invite', 'InviteExpanded', 'InviteViaIdentity', 'InviteViaIdentityExpanded')
        $script:Command.DefaultParameterSet | Should -Be 'InviteExpanded'
    }

    It 'binds as the SDK: mandatory and pipeline parameters, no positions, ShouldProcess at Medium' {
        $metadata = [System.Management.Automation.CommandMetadata]::new($script:Command)
        $metadata.PositionalBinding | Should -BeFalse
        $metadata.SupportsShouldProcess | Should -BeTrue
        $metadata.ConfirmImpact | Should -Be 'Medium'
        $sets = @{}
        foreach ($set in $script:Command.ParameterSets) { $sets[$set.Name] = $set.Parameters }
        foreach ($case in @(
                @('InviteExpanded', 'CallId', $true, $false), @('Invite', 'CallId', $true, $false),
                @('Invite', 'BodyParameter', $true, $true), @('InviteViaIdentity', 'BodyParameter', $true, $true),
                @('InviteViaIdentity', 'InputObject', $true, $true), @('InviteViaIdentityExpanded', 'InputObject', $true, $true),
                @('InviteExpanded', 'Participants', $false, $false), @('InviteViaIdentityExpanded', 'ClientContext', $false, $false),
                @('InviteExpanded', 'AdditionalProperties', $false, $false))) {
            $setName, $parameterName, $mandatory, $pipeline = $case
            $parameter = $sets[$setName] | Where-Object Name -EQ $parameterName
            $parameter | Should -Not -BeNullOrEmpty -Because "$parameterName is in $setName"
            $parameter.IsMandatory | Should -Be $mandatory -Because "$parameterName in $setName"
            $parameter.ValueFromPipeline | Should -Be $pipeline -Because "$parameterName in $setName"
        }
        foreach ($setName in $sets.Keys) {
            $sets[$setName].Name | Should -Contain 'Headers'
            $sets[$setName].Name | Should -Contain 'ResponseHeadersVariable'
        }
        $script:Command.Parameters['ResponseHeadersVariable'].Aliases | Should -Contain 'RHV'
    }

    It 'has a synopsis that says it invites (the published one wrongly says delete)' {
        (Get-Help -Name $Name).Synopsis | Should -Match '^Invites'
    }

    It 'carries the seven published examples, code as published (examples/powershell)' {
        $examples = @((Get-Help -Name $Name -Examples).Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 7
        for ($number = 1; $number -le 7; $number++) {
            $published = (Get-Content -Raw -LiteralPath (Join-Path $script:Root 'examples' 'powershell' "Example$number.ps1")).TrimEnd("`n")
            if ($Name -notlike '*MgBeta*') {
                $published = $published -replace 'Microsoft\.Graph\.Beta\.CloudCommunications', $Module -replace 'Invoke-MgBetaInvite', 'Invoke-MgInvite'
            }
            $examples[$number - 1].Code.Replace("`r`n", "`n") | Should -BeExactly $published
        }
    }
}

Describe 'Drop-in module <Name>' -ForEach $script:Compat {
    It 'has an SDK-like 2.x version, loads MgBridge and exports only MgBridge commands' {
        $data = Import-PowerShellDataFile -LiteralPath $Path
        ([version]$data.ModuleVersion).Major | Should -Be 2
        $data.NestedModules | Should -Be '../../MgBridge/MgBridge.psd1'
        $data.FunctionsToExport | Should -Not -BeNullOrEmpty
        foreach ($function in $data.FunctionsToExport) { $script:Module.ExportedFunctions.Keys | Should -Contain $function }
    }
}

Describe 'Drop-in modules in an unchanged script' {
    It 'import by name from PSModulePath and satisfy #Requires -Modules' {
        $compat = Join-Path $script:Root 'psmodule' 'compat'
        $script = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-requires-$PID.ps1"
        Set-Content -LiteralPath $script -Value @'
#Requires -Modules @{ ModuleName = 'Microsoft.Graph.Authentication'; ModuleVersion = '2.0.0' }, Microsoft.Graph.Beta.CloudCommunications
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.Graph.Beta.CloudCommunications
Import-Module Microsoft.Graph.CloudCommunications
@{
    beta = (Get-Command Invoke-MgBetaInviteCommunicationCallParticipant).Source
    v1 = (Get-Command Invoke-MgInviteCommunicationCallParticipant).Source
    auth = (Get-Command Connect-MgGraph).Source
    python = [bool]('MgBridge.Host.PythonHost' -as [type])
} | ConvertTo-Json -Compress
'@
        try {
            $result = Invoke-FreshPwsh -Environment @{ PSModulePath = "$compat$([System.IO.Path]::PathSeparator)$env:PSModulePath" } -Script "& '$script'"
        } finally {
            Remove-Item -LiteralPath $script
        }
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $reply = $result.Output | ConvertFrom-Json
        $reply.beta | Should -Be 'Microsoft.Graph.Beta.CloudCommunications'
        $reply.v1 | Should -Be 'Microsoft.Graph.CloudCommunications'
        $reply.auth | Should -Be 'Microsoft.Graph.Authentication'
        $reply.python | Should -BeFalse
    }
}
