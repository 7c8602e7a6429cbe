<#
.SYNOPSIS
Runs the Pester suite with the Pester that `make setup` fetched from NuGet; exits non-zero on failure.
#>
param(
    # Test files or folders; all of tests/powershell by default.
    [string[]] $Path = $PSScriptRoot
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
Import-Module (Join-Path $root '.tools' 'nuget' 'pester' '5.7.1' 'tools' 'Pester.psd1') -MinimumVersion 5.7.1

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.Exit = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $false
Invoke-Pester -Configuration $configuration
