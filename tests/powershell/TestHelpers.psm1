# Shared set-up for the Pester suite: where the module is and how to run a fresh pwsh.

$script:Root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')

function Get-ModuleManifestPath {
    Join-Path $script:Root 'psmodule' 'MgBridge' 'MgBridge.psd1'
}

function Invoke-FreshPwsh {
    <#
    .SYNOPSIS
    Runs a script in a new pwsh process (Python can be hosted only once per process, so tests of
    start-up behaviour need their own) and returns its output as JSON-decoded objects.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{}
    )
    # $PSHOME holds the pwsh launcher in every install, including the dotnet tool one.
    $pwsh = Join-Path $PSHOME 'pwsh'
    $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
    foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $Script) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    foreach ($entry in $Environment.GetEnumerator()) {
        if ($null -eq $entry.Value) { [void]$start.Environment.Remove($entry.Key) }
        else { $start.Environment[$entry.Key] = [string]$entry.Value }
    }
    $process = [System.Diagnostics.Process]::Start($start)
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout; Errors = $stderr.Result }
}

Export-ModuleMember -Function Get-ModuleManifestPath, Invoke-FreshPwsh
