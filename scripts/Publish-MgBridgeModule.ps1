<#
.SYNOPSIS
Publishes the MgBridge module and its drop-in modules to a PSResourceGet repository.
.DESCRIPTION
Stages each module as it is installed (one folder per module, no machine-specific files:
bin/, python-path.txt) and publishes it with Publish-PSResource, MgBridge first: the drop-in
modules (Microsoft.Graph.Authentication, Microsoft.Graph.Beta.CloudCommunications,
Microsoft.Graph.CloudCommunications) depend on it by name, so `Install-PSResource
Microsoft.Graph.Beta.CloudCommunications` brings MgBridge along. A folder given as -Repository
becomes a local file repository (what Register-PSResourceRepository -Uri <folder> reads);
a name publishes to that registered repository.
.EXAMPLE
./scripts/Publish-MgBridgeModule.ps1 -Repository dist/psresource

Writes MgBridge.0.1.0.nupkg and the three drop-in packages into dist/psresource.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # A folder (created if needed) or the name of a registered repository.
    [Parameter(Mandatory)]
    [string] $Repository,

    # The key of a remote repository (not needed for a folder).
    [string] $ApiKey
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
$staging = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-publish-$([guid]::NewGuid().ToString('n'))"
$registered = $null
$modulePath = $env:PSModulePath
$repositoryFolder = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Repository)
$null = New-Item -ItemType Directory -Path $staging
# Publish-PSResource leaves a NuGet/NuGet.Config in the process's working directory: the staging
# folder's, then, not the caller's.
$workingDirectory = [System.Environment]::CurrentDirectory
[System.Environment]::CurrentDirectory = $staging
try {
    if (Get-PSResourceRepository -Name $Repository -ErrorAction Ignore) {
        $target = $Repository
    } else {
        $null = New-Item -ItemType Directory -Force -Path $repositoryFolder
        # Publish-PSResource publishes to registered repositories only; this one lives for the run.
        $registered = $target = "MgBridgeStaging$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        Register-PSResourceRepository -Name $target -Uri $repositoryFolder -Trusted
    }

    $bridge = Join-Path $staging 'MgBridge'
    Copy-Item -Recurse -Path (Join-Path $root 'psmodule' 'MgBridge') -Destination $bridge
    Remove-Item -Recurse -Force -ErrorAction Ignore -Path (Join-Path $bridge 'bin'), (Join-Path $bridge 'python-path.txt')
    $bridgeVersion = (Import-PowerShellDataFile (Join-Path $bridge 'MgBridge.psd1')).ModuleVersion
    $modules = @($bridge)
    foreach ($name in 'Microsoft.Graph.Authentication', 'Microsoft.Graph.Beta.CloudCommunications', 'Microsoft.Graph.CloudCommunications') {
        $folder = Join-Path $staging $name
        $null = New-Item -ItemType Directory -Path $folder
        $manifest = Get-Content -Raw -LiteralPath (Join-Path $root 'psmodule' 'compat' $name "$name.psd1")
        # Installed, each module has a folder of its own: MgBridge is nested by name instead of by
        # its path in this repository, and required so that installing one brings it along (an
        # already imported MgBridge is not loaded again as the nested module).
        $nested = "NestedModules        = @('../../MgBridge/MgBridge.psd1')"
        if (-not $manifest.Contains($nested)) { throw "$name.psd1 no longer nests MgBridge as '$nested'." }
        $required = "@{ ModuleName = 'MgBridge'; ModuleVersion = '$bridgeVersion' }"
        $manifest = $manifest.Replace($nested, "NestedModules        = @('MgBridge')")
        $manifest = if ($manifest -match "RequiredModules\s+= @\(") {
            $manifest -replace "RequiredModules(\s+)= @\(", "RequiredModules`$1= @($required, "
        } else {
            $manifest.Replace("NestedModules        = @('MgBridge')", "RequiredModules      = @($required)`n    NestedModules        = @('MgBridge')")
        }
        Set-Content -LiteralPath (Join-Path $folder "$name.psd1") -Value $manifest -NoNewline
        $modules += $folder
    }
    # Publishing validates each manifest, whose required and nested modules must then be found.
    $env:PSModulePath = $staging + [System.IO.Path]::PathSeparator + $modulePath
    # Authentication before the calls modules, which require it.
    foreach ($module in $modules) {
        if ($PSCmdlet.ShouldProcess($target, "Publish $(Split-Path $module -Leaf)")) {
            $publish = @{ Path = $module; Repository = $target }
            if ($ApiKey) { $publish['ApiKey'] = $ApiKey }
            Publish-PSResource @publish
        }
    }
} finally {
    [System.Environment]::CurrentDirectory = $workingDirectory
    $env:PSModulePath = $modulePath
    if ($registered) { Unregister-PSResourceRepository -Name $registered }
    Remove-Item -Recurse -Force -ErrorAction Ignore -LiteralPath $staging
}
