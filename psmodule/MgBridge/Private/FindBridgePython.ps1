function FindBridgePython {
    <#
    .SYNOPSIS
    Finds the Python that has mgbridge installed and reports what hosting it needs.
    .DESCRIPTION
    Tries the candidates of GetBridgePythonCandidates in order; the first that imports mgbridge
    wins. Its report (`python -m bridge._hostinfo`: libpython, pythonnet, versions) is taken from
    a saved copy while the files it names exist: the one `mgbridge psmodule-path --install` wrote
    beside the module, or the one saved in the user's cache the last time a search found it; so a
    new pwsh usually starts no Python to ask. The report is kept for the whole process (all
    runspaces), since Python can only be hosted once per process anyway. When none has mgbridge,
    the error lists what was tried and the one command that installs it.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()

    $cached = [AppDomain]::CurrentDomain.GetData('MgBridge.HostInfo')
    if ($cached) { return $cached }

    $cacheFile = [System.IO.Path]::Combine((GetBridgeUserFolder -Kind Cache), 'hostinfo.json')
    $saved = foreach ($file in [System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($PSScriptRoot), 'bin', 'hostinfo.json'), $cacheFile) {
        if ([System.IO.File]::Exists($file)) { try { [System.IO.File]::ReadAllText($file) | ConvertFrom-Json } catch { } }
    }
    $tried = [System.Collections.ArrayList]::new()
    $pythons = [System.Collections.ArrayList]::new()
    # Select-Object -First 1 stops the candidates' search at the first Python that has mgbridge.
    $info = GetBridgePythonCandidates | ForEach-Object {
        $candidate = $_
        if (-not [System.IO.File]::Exists($candidate.Path)) { $null = $tried.Add("$($candidate.Path) (not found)"); return }
        $report = $saved | Where-Object {
            $_.executable -eq $candidate.Path -and -not $candidate.Arguments -and
            $(foreach ($file in $_.libpython, $_.pythonnet_runtime) { -not $file -or [System.IO.File]::Exists($file) }) -notcontains $false -and
            (-not $_.bridge_path -or [System.IO.Directory]::Exists($_.bridge_path))
        } | Select-Object -First 1
        if (-not $report) {
            # -P: not the current folder's `bridge`, if it has one, but the installed package.
            $output = & $candidate.Path @($candidate.Arguments) -P -m bridge._hostinfo 2>$null
            if ($LASTEXITCODE -eq 0 -and $output) {
                $text = $output | Select-Object -Last 1
                $report = $text | ConvertFrom-Json
                # For the next pwsh; a cache that cannot be written only costs that pwsh a search.
                try {
                    $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($cacheFile))
                    [System.IO.File]::WriteAllText($cacheFile, $text)
                } catch { }
            }
        }
        if ($report) {
            $report | Add-Member -NotePropertyName python_source -NotePropertyValue $candidate.Source -Force
            return $report
        }
        if ($candidate.Source -ne 'created by Install-MgBridgePython') { $null = $pythons.Add("$($candidate.Path) $($candidate.Arguments)".TrimEnd()) }
        $null = $tried.Add("$($candidate.Path) (cannot import bridge)")
    } | Select-Object -First 1
    if ($info) {
        [AppDomain]::CurrentDomain.SetData('MgBridge.HostInfo', $info)
        return $info
    }
    $where = if ($tried.Count) { 'Tried: ' + ($tried -join '; ') + '.' } else { 'No Python was found at all.' }
    $install = if ($pythons.Count) {
        "Install it with one command: Install-MgBridgePython (a venv of mgbridge's own, made with $($pythons[0])), " +
        'or install mgbridge into the Python you use (python -m pip install mgbridge) and set $env:MGBRIDGE_PYTHON to it.'
    } else {
        $getPython = if ($IsWindows) { 'winget install Python.Python.3.12' } elseif ($IsMacOS) { 'brew install python@3.12' } else { 'sudo apt-get install python3 python3-venv libpython3-dev' }
        "Install Python 3.11 or newer ($getPython), then run Install-MgBridgePython."
    }
    throw [System.IO.FileNotFoundException]::new("No Python with mgbridge installed was found. $where $install")
}
