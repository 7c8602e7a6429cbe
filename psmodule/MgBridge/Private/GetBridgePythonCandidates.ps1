function GetBridgePythonCandidates {
    <#
    .SYNOPSIS
    The Pythons that may have mgbridge installed, in the order FindBridgePython tries them.
    .DESCRIPTION
    $env:MGBRIDGE_PYTHON; the active venv or conda environment; the interpreter recorded beside
    the module (mgbridge psmodule-path --install); the one Install-MgBridgePython creates; mgbridge
    installed as a tool by pipx or uv; `py -3`, python3 and python on PATH (never the Microsoft
    Store's python.exe alias, which opens the Store); then common install folders: python.org
    and per-user installs on Windows, framework builds and Homebrew on macOS, pyenv everywhere.
    Only files that exist are listed, except $env:MGBRIDGE_PYTHON, which when set is the only
    candidate, even when missing. Platform, environment and file-system root can be given, so
    the rules are tested for every platform on a simulated file tree.
    #>
    [OutputType([pscustomobject])]
    # Plain parameters (no validation attributes): this runs in the first call of a process.
    param(
        # 'Windows', 'MacOS' or 'Linux'.
        [string] $Platform = $(if ($IsWindows) { 'Windows' } elseif ($IsMacOS) { 'MacOS' } else { 'Linux' }),

        # Variables to read instead of the process environment.
        [System.Collections.IDictionary] $Environment,

        # Prefix of the system-wide folders (/usr, /Library, /opt) in a simulated file tree.
        [string] $Root = '',

        # The module folder holding python-path.txt.
        [string] $ModuleFolder = [System.IO.Path]::GetDirectoryName($PSScriptRoot)
    )

    # The helpers below take $args, not param blocks: binding those costs the first call of a
    # process (this one's) tens of milliseconds.
    $read = if ($Environment) { { $Environment[$args[0]] } } else { { [Environment]::GetEnvironmentVariable($args[0]) } }
    $windows = $Platform -eq 'Windows'
    # A path under a folder, or nothing when the folder is unknown (an unset variable).
    $under = { if ($args[0]) { [System.IO.Path]::Combine([string[]]$args) } }
    # The interpreter inside a venv (or conda environment) folder.
    $inside = if ($windows) { { & $under $args[0] 'Scripts' 'python.exe' } } else { { & $under $args[0] 'bin' 'python' } }
    $seen = @{}
    # Path, why it is a candidate, its arguments ('-3' for py), $true to list it even if missing.
    # Written as found, so that a caller taking the first good one stops the search there.
    $add = {
        $path, $source, $arguments, $evenIfMissing = $args
        if ($path -and ($evenIfMissing -or [System.IO.File]::Exists($path)) -and -not $seen.ContainsKey("$path $arguments")) {
            $seen["$path $arguments"] = $true
            [pscustomobject]@{ Path = $path; Arguments = $(if ($arguments) { [string[]]$arguments } else { @() }); Source = $source }
        }
    }
    # Matching folders, newest Python first (Python312 before Python39). Sorted by .NET: the first
    # Sort-Object of a process costs a quarter of a second.
    $newest = {
        $parent, $pattern = $args
        if (-not $parent -or -not [System.IO.Directory]::Exists($parent)) { return }
        $folders = [System.IO.Directory]::GetDirectories($parent, $pattern)
        $versions = [version[]]@(foreach ($folder in $folders) {
                $digits = [regex]::Match([System.IO.Path]::GetFileName($folder), '(\d+)\.?(\d+)?(?:\.(\d+))?').Groups
                [version]::new([int]('0' + $digits[1].Value), [int]('0' + $digits[2].Value), [int]('0' + $digits[3].Value))
            })
        [array]::Sort($versions, $folders)
        [array]::Reverse($folders)
        $folders
    }
    $homeFolder = if ($windows) { & $read 'USERPROFILE' } else { & $read 'HOME' }
    if (-not $homeFolder -and -not $Environment) { $homeFolder = [Environment]::GetFolderPath('UserProfile') }
    $localAppData = & $read 'LOCALAPPDATA'

    $explicit = & $read 'MGBRIDGE_PYTHON'
    # An explicit choice is the only one: a wrong setting must fail, not find another Python.
    if ($explicit) { & $add $explicit '$env:MGBRIDGE_PYTHON' $null $true; return }
    foreach ($variable in 'VIRTUAL_ENV', 'CONDA_PREFIX') {
        $environmentFolder = & $read $variable
        $python = if ($variable -eq 'CONDA_PREFIX' -and $windows) { & $under $environmentFolder 'python.exe' } else { & $inside $environmentFolder }
        & $add $python "the active environment (`$env:$variable)"
    }
    $recorded = [System.IO.Path]::Combine($ModuleFolder, 'python-path.txt')
    if ([System.IO.File]::Exists($recorded)) {
        & $add ([System.IO.File]::ReadAllLines($recorded)[0].Trim()) 'recorded beside the module (mgbridge psmodule-path --install)'
    }
    & $add (& $inside (& $under (GetBridgeUserFolder -Kind Data -Platform $Platform -Environment $Environment) 'python')) 'created by Install-MgBridgePython'

    $toolVenvs = if ($windows) {
        & $under (& $read 'PIPX_HOME') 'venvs'
        & $under $homeFolder 'pipx' 'venvs'
        & $under $localAppData 'pipx' 'pipx' 'venvs'
        & $under (& $read 'APPDATA') 'uv' 'tools'
    } else {
        $data = & $read 'XDG_DATA_HOME'
        if (-not $data) { $data = & $under $homeFolder '.local' 'share' }
        & $under (& $read 'PIPX_HOME') 'venvs'
        & $under $data 'pipx' 'venvs'
        & $under $homeFolder '.local' 'pipx' 'venvs'
        & $under $data 'uv' 'tools'
    }
    foreach ($folder in $toolVenvs) { & $add (& $inside (& $under $folder 'mgbridge')) 'mgbridge installed as a tool (pipx or uv)' }

    $storeAliases = & $under $localAppData 'Microsoft' 'WindowsApps'
    $names = if ($windows) { 'py.exe', 'python.exe', 'python3.exe' } else { 'python3', 'python' }
    $pathFolders = "$(& $read 'PATH')".Split($(if ($windows) { ';' } else { ':' }), [System.StringSplitOptions]::RemoveEmptyEntries)
    foreach ($name in $names) {
        foreach ($folder in $pathFolders) {
            if ($storeAliases -and $folder.TrimEnd('\', '/') -eq $storeAliases) { continue }
            & $add (& $under $folder $name) 'PATH' $(if ($name -eq 'py.exe') { , '-3' } else { @() })
        }
    }

    $installs = switch ($Platform) {
        'Windows' {
            foreach ($parent in (& $under $localAppData 'Programs' 'Python'), (& $read 'ProgramFiles')) {
                & $newest $parent 'Python3*' | ForEach-Object { & $under $_ 'python.exe' }
            }
        }
        'MacOS' {
            foreach ($frameworks in ([System.IO.Path]::Combine("$Root/", 'Library', 'Frameworks')), (& $under $homeFolder 'Library' 'Frameworks')) {
                & $newest (& $under $frameworks 'Python.framework' 'Versions') '3.*' | ForEach-Object { & $under $_ 'bin' 'python3' }
            }
            [System.IO.Path]::Combine("$Root/", 'opt', 'homebrew', 'bin', 'python3')
            [System.IO.Path]::Combine("$Root/", 'usr', 'local', 'bin', 'python3')
        }
        default {
            [System.IO.Path]::Combine("$Root/", 'usr', 'local', 'bin', 'python3')
            [System.IO.Path]::Combine("$Root/", 'usr', 'bin', 'python3')
        }
    }
    $pyenv = & $read 'PYENV_ROOT'
    if (-not $pyenv) { $pyenv = if ($windows) { & $under $homeFolder '.pyenv' 'pyenv-win' } else { & $under $homeFolder '.pyenv' } }
    $installs = @($installs) + @(& $newest (& $under $pyenv 'versions') '3.*' | ForEach-Object {
        if ($windows) { & $under $_ 'python.exe' } else { & $under $_ 'bin' 'python3' }
    })
    foreach ($python in $installs) { & $add $python 'a common install folder' }
}
