# Where the module looks for a Python with mgbridge, on each platform, tested on simulated file
# trees (these machines run Linux only): the order of the candidates, Windows' Scripts\python.exe,
# `py -3` and its Store alias, python.org and per-user installs, macOS framework builds and
# Homebrew, pipx/uv tools, pyenv, the folder Install-MgBridgePython fills; the user folders; the
# error when none has mgbridge; and the refusal of Windows PowerShell 5.1.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'TestHelpers.psm1') -Force
    $script:Module = Import-Module (Get-ModuleManifestPath) -Force -PassThru

    # Creates empty files (the candidates only need to exist) under the simulated tree.
    function New-FakeFile([string[]] $Path) {
        foreach ($file in $Path) {
            $null = New-Item -ItemType File -Force -Path $file
        }
    }
    function Get-Candidates([string] $Platform, [hashtable] $Environment, [string] $Root = '') {
        $folder = Join-Path $TestDrive "module-$([guid]::NewGuid().ToString('n'))"
        $null = New-Item -ItemType Directory -Path $folder
        & $script:Module { param($p, $e, $r, $m) GetBridgePythonCandidates -Platform $p -Environment $e -Root $r -ModuleFolder $m } $Platform $Environment $Root $folder
    }
}

Describe 'The user folders' {
    It 'follows <Platform> conventions for <Kind>' -TestCases @(
        @{ Platform = 'Windows'; Kind = 'Cache'; Environment = @{ LOCALAPPDATA = 'C:\Users\me\AppData\Local' }; Expected = 'C:\Users\me\AppData\Local/mgbridge/Cache' }
        @{ Platform = 'Windows'; Kind = 'Data'; Environment = @{ LOCALAPPDATA = 'C:\Users\me\AppData\Local' }; Expected = 'C:\Users\me\AppData\Local/mgbridge' }
        @{ Platform = 'MacOS'; Kind = 'Cache'; Environment = @{ HOME = '/Users/me' }; Expected = '/Users/me/Library/Caches/mgbridge' }
        @{ Platform = 'MacOS'; Kind = 'Data'; Environment = @{ HOME = '/Users/me' }; Expected = '/Users/me/Library/Application Support/mgbridge' }
        @{ Platform = 'Linux'; Kind = 'Cache'; Environment = @{ HOME = '/home/me' }; Expected = '/home/me/.cache/mgbridge' }
        @{ Platform = 'Linux'; Kind = 'Cache'; Environment = @{ HOME = '/home/me'; XDG_CACHE_HOME = '/var/cache/me' }; Expected = '/var/cache/me/mgbridge' }
        @{ Platform = 'Linux'; Kind = 'Data'; Environment = @{ HOME = '/home/me' }; Expected = '/home/me/.local/share/mgbridge' }
        @{ Platform = 'Linux'; Kind = 'Data'; Environment = @{ HOME = '/home/me'; XDG_DATA_HOME = '/data' }; Expected = '/data/mgbridge' }
    ) {
        & $script:Module { param($k, $p, $e) GetBridgeUserFolder -Kind $k -Platform $p -Environment $e } $Kind $Platform $Environment |
            Should -BeExactly $Expected
    }
}

Describe 'Finding a Python on a simulated Windows' {
    BeforeAll {
        $script:Drive = Join-Path $TestDrive 'windows'
        $user = Join-Path $script:Drive 'Users' 'me'
        $local = Join-Path $user 'AppData' 'Local'
        $script:Files = @{
            Venv       = Join-Path $user 'project' '.venv' 'Scripts' 'python.exe'
            Installed  = Join-Path $local 'mgbridge' 'python' 'Scripts' 'python.exe'
            Pipx       = Join-Path $user 'pipx' 'venvs' 'mgbridge' 'Scripts' 'python.exe'
            Uv         = Join-Path $user 'AppData' 'Roaming' 'uv' 'tools' 'mgbridge' 'Scripts' 'python.exe'
            Launcher   = Join-Path $script:Drive 'Windows' 'py.exe'
            StoreAlias = Join-Path $local 'Microsoft' 'WindowsApps' 'python.exe'
            OnPath     = Join-Path $script:Drive 'Tools' 'python.exe'
            Python39   = Join-Path $local 'Programs' 'Python' 'Python39' 'python.exe'
            Python312  = Join-Path $local 'Programs' 'Python' 'Python312' 'python.exe'
            Machine    = Join-Path $script:Drive 'Program Files' 'Python311' 'python.exe'
            Pyenv      = Join-Path $user '.pyenv' 'pyenv-win' 'versions' '3.12.4' 'python.exe'
        }
        New-FakeFile $script:Files.Values
        $script:Environment = @{
            USERPROFILE  = $user
            LOCALAPPDATA = $local
            APPDATA      = Join-Path $user 'AppData' 'Roaming'
            ProgramFiles = Join-Path $script:Drive 'Program Files'
            VIRTUAL_ENV  = Join-Path $user 'project' '.venv'
            PATH         = @((Join-Path $local 'Microsoft' 'WindowsApps'), (Join-Path $script:Drive 'Windows'), (Join-Path $script:Drive 'Tools')) -join ';'
        }
        $script:Found = Get-Candidates -Platform Windows -Environment $script:Environment
    }

    It 'tries the active venv, the Install-MgBridgePython venv, pipx and uv tools, PATH, then install folders, newest first' {
        $script:Found.Path | Should -Be @(
            $script:Files.Venv, $script:Files.Installed, $script:Files.Pipx, $script:Files.Uv,
            $script:Files.Launcher, $script:Files.OnPath,
            $script:Files.Python312, $script:Files.Python39, $script:Files.Machine, $script:Files.Pyenv)
    }

    It 'runs the py launcher as py -3' {
        ($script:Found | Where-Object Path -EQ $script:Files.Launcher).Arguments | Should -Be @('-3')
    }

    It 'never runs the Microsoft Store alias' {
        $script:Found.Path | Should -Not -Contain $script:Files.StoreAlias
    }

    It 'tries only $env:MGBRIDGE_PYTHON when it is set, even when it does not exist, so the error names it' {
        $environment = $script:Environment.Clone()
        $environment['MGBRIDGE_PYTHON'] = Join-Path $script:Drive 'missing' 'python.exe'
        $found = Get-Candidates -Platform Windows -Environment $environment
        $found.Path | Should -Be @($environment['MGBRIDGE_PYTHON'])
        $found.Source | Should -Be '$env:MGBRIDGE_PYTHON'
    }

    It 'finds a conda environment''s python.exe at its root' {
        $conda = Join-Path $script:Drive 'conda' 'envs' 'work'
        New-FakeFile (Join-Path $conda 'python.exe')
        $found = Get-Candidates -Platform Windows -Environment @{ CONDA_PREFIX = $conda; USERPROFILE = Join-Path $script:Drive 'nobody' }
        $found[0].Path | Should -Be (Join-Path $conda 'python.exe')
    }
}

Describe 'Finding a Python on a simulated macOS' {
    BeforeAll {
        $script:Root = Join-Path $TestDrive 'mac'
        $user = Join-Path $script:Root 'Users' 'me'
        $versions = Join-Path $script:Root 'Library' 'Frameworks' 'Python.framework' 'Versions'
        $script:Files = @{
            Installed   = Join-Path $user 'Library' 'Application Support' 'mgbridge' 'python' 'bin' 'python'
            Pipx        = Join-Path $user '.local' 'pipx' 'venvs' 'mgbridge' 'bin' 'python'
            Framework39 = Join-Path $versions '3.9' 'bin' 'python3'
            Framework13 = Join-Path $versions '3.13' 'bin' 'python3'
            Homebrew    = Join-Path $script:Root 'opt' 'homebrew' 'bin' 'python3'
            UsrLocal    = Join-Path $script:Root 'usr' 'local' 'bin' 'python3'
        }
        New-FakeFile $script:Files.Values
        $script:Found = Get-Candidates -Platform MacOS -Root $script:Root -Environment @{ HOME = $user; PATH = '' }
    }

    It 'tries mgbridge''s own venv and pipx, then framework builds (newest first), Homebrew and /usr/local' {
        $script:Found.Path | Should -Be @(
            $script:Files.Installed, $script:Files.Pipx, $script:Files.Framework13, $script:Files.Framework39,
            $script:Files.Homebrew, $script:Files.UsrLocal)
    }
}

Describe 'Finding a Python on a simulated Linux' {
    BeforeAll {
        $script:Root = Join-Path $TestDrive 'linux'
        $user = Join-Path $script:Root 'home' 'me'
        $script:Files = @{
            Recorded  = Join-Path $script:Root 'opt' 'venv' 'bin' 'python'
            Uv        = Join-Path $user 'data' 'uv' 'tools' 'mgbridge' 'bin' 'python'
            OnPath    = Join-Path $script:Root 'usr' 'bin' 'python3'
            Pyenv311  = Join-Path $user '.pyenv' 'versions' '3.11.7' 'bin' 'python3'
            Pyenv3120 = Join-Path $user '.pyenv' 'versions' '3.12.0' 'bin' 'python3'
        }
        New-FakeFile $script:Files.Values
        $script:Environment = @{ HOME = $user; XDG_DATA_HOME = Join-Path $user 'data'; PATH = Join-Path $script:Root 'usr' 'bin' }
    }

    It 'tries the recorded interpreter, uv tools, PATH, then pyenv versions, newest first' {
        $module = Join-Path $TestDrive 'recorded-module'
        $null = New-Item -ItemType Directory -Force -Path $module
        Set-Content -LiteralPath (Join-Path $module 'python-path.txt') -Value $script:Files.Recorded
        $found = & $script:Module { param($e, $r, $m) GetBridgePythonCandidates -Platform Linux -Environment $e -Root $r -ModuleFolder $m } $script:Environment $script:Root $module
        $found.Path | Should -Be @($script:Files.Recorded, $script:Files.Uv, $script:Files.OnPath, $script:Files.Pyenv3120, $script:Files.Pyenv311)
        $found[0].Source | Should -Match 'recorded'
    }

    It 'lists a file once, however it is reached' {
        $environment = $script:Environment.Clone()
        $environment['PATH'] = (Join-Path $script:Root 'usr' 'bin') + ':' + (Join-Path $script:Root 'usr' 'bin')
        $found = Get-Candidates -Platform Linux -Environment $environment -Root $script:Root
        @($found.Path | Where-Object { $_ -eq $script:Files.OnPath }).Count | Should -Be 1
    }
}

Describe 'When no Python has mgbridge' {
    BeforeAll {
        $script:Home_ = Join-Path $TestDrive 'empty-home'
        $script:Bin = Join-Path $TestDrive 'bin'
        $null = New-Item -ItemType Directory -Force -Path $script:Home_, $script:Bin
        $script:Environment = @{
            HOME = $script:Home_; PATH = $script:Bin; MGBRIDGE_PYTHON = $null; VIRTUAL_ENV = $null; CONDA_PREFIX = $null
            XDG_CACHE_HOME = $null; XDG_DATA_HOME = $null; PYENV_ROOT = $null
        }
        # A copy of the module without the interpreter recorded beside it.
        $script:Copy = Join-Path $TestDrive 'modules' 'MgBridge'
        Copy-Item -Recurse -Path (Split-Path (Get-ModuleManifestPath)) -Destination $script:Copy
        Remove-Item -Recurse -Force -ErrorAction Ignore -Path (Join-Path $script:Copy 'python-path.txt'), (Join-Path $script:Copy 'bin')
        $script:Probe = "Import-Module '$(Join-Path $script:Copy 'MgBridge.psd1')'; try { Get-MgBridgeRuntime } catch { `$_.Exception.Message }"
    }

    It 'says which one command installs it, naming the Pythons it tried' {
        # A python3 that has no mgbridge (its `-m bridge._hostinfo` fails).
        $python = Join-Path $script:Bin 'python3'
        Set-Content -LiteralPath $python -Value "#!/bin/sh`nexit 1"
        chmod +x $python
        $run = Invoke-FreshPwsh -Environment $script:Environment -Script $script:Probe
        Remove-Item -LiteralPath $python
        $run.Output | Should -Match 'No Python with mgbridge installed was found'
        $run.Output | Should -Match ([regex]::Escape("$python (cannot import bridge)"))
        $run.Output | Should -Match ([regex]::Escape("Install it with one command: Install-MgBridgePython (a venv of mgbridge's own, made with $python)"))
    }

    It 'says to install Python first when there is none' {
        # The real machine has Pythons in its system folders: here the module finds none.
        $run = Invoke-FreshPwsh -Environment $script:Environment -Script (
            "`$module = Import-Module '$(Join-Path $script:Copy 'MgBridge.psd1')' -PassThru; . `$module { function GetBridgePythonCandidates { } }; " +
            'try { & $module { FindBridgePython } } catch { $_.Exception.Message }')
        $run.Output | Should -Match 'No Python was found at all'
        $run.Output | Should -Match 'Install Python 3.11 or newer \(sudo apt-get install .*\), then run Install-MgBridgePython'
    }
}

Describe 'Windows PowerShell 5.1' {
    BeforeAll {
        # The check at the top of MgBridge.psm1, run against stand-ins for $PSVersionTable (a
        # constant that no test can replace).
        $psm1 = Join-Path (Split-Path (Get-ModuleManifestPath)) 'MgBridge.psm1'
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($psm1, [ref]$null, [ref]$null)
        $script:Check = $ast.EndBlock.Statements[0]
        $script:Refusal = [scriptblock]::Create('param($VersionTable) ' + $script:Check.Extent.Text.Replace('$PSVersionTable', '$VersionTable'))
    }

    It 'is refused with a message naming pwsh and how to install it' {
        { & $script:Refusal @{ PSEdition = 'Desktop'; PSVersion = [version]'5.1.22621.4391' } } |
            Should -Throw -ExpectedMessage 'mgbridge needs PowerShell 7.4 or newer (pwsh); this is Windows PowerShell (powershell.exe) 5.1.22621.4391. Install PowerShell 7 (winget install Microsoft.PowerShell*then run the script with pwsh*'
    }

    It 'refuses PowerShell 7.2 too, and accepts 7.4 and 8.0' {
        { & $script:Refusal @{ PSEdition = 'Core'; PSVersion = [version]'7.2.0' } } | Should -Throw -ExpectedMessage '*this is PowerShell 7.2.0*'
        { & $script:Refusal @{ PSEdition = 'Core'; PSVersion = [version]'7.4.0' } } | Should -Not -Throw
        { & $script:Refusal @{ PSEdition = 'Core'; PSVersion = [version]'8.0.0' } } | Should -Not -Throw
    }

    It 'checks before loading any file' {
        $script:Check | Should -BeOfType ([System.Management.Automation.Language.IfStatementAst])
        $script:Check.Extent.Text | Should -Match '^if \(\$PSVersionTable\.PSEdition'
    }

    It 'reaches that message: <Name> lets Windows PowerShell load MgBridge.psm1' -TestCases @(
        foreach ($manifest in (Get-ChildItem (Join-Path $PSScriptRoot '..' '..' '..' 'psmodule') -Recurse -Filter '*.psd1')) { @{ Name = $manifest.Name; Path = $manifest.FullName } }
    ) {
        $data = Import-PowerShellDataFile -LiteralPath $Path
        [version]$data.PowerShellVersion | Should -BeLessOrEqual ([version]'5.1')
        if ($data.ContainsKey('CompatiblePSEditions')) { $data.CompatiblePSEditions | Should -Contain 'Desktop' }
    }
}
