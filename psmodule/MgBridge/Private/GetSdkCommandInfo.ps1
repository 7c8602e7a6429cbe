function GetSdkCommandInfo {
    <#
    .SYNOPSIS
    A CmdletInfo for one of the SDK's internal cmdlet names, whose type is an empty PSCmdlet
    subclass with the SDK's full type name; made once per name and module instance.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.CmdletInfo])]
    param(
        [Parameter(Mandatory)] [string] $CommandName,
        [Parameter(Mandatory)] [string] $Namespace
    )
    $typeName = "$Namespace.$($CommandName -replace '-', '')"
    if (-not $script:SdkCommandInfo) { $script:SdkCommandInfo = @{} }
    $info = $script:SdkCommandInfo[$typeName]
    if (-not $info) {
        if (-not $script:SdkTypeModule) {
            $assembly = [System.Reflection.Emit.AssemblyBuilder]::DefineDynamicAssembly(
                [System.Reflection.AssemblyName]::new('MgBridge.SdkCommandNames'), 'Run')
            $script:SdkTypeModule = $assembly.DefineDynamicModule('MgBridge.SdkCommandNames')
        }
        $type = $script:SdkTypeModule.DefineType($typeName, 'Public, Class, Sealed', [System.Management.Automation.PSCmdlet]).CreateType()
        $info = [System.Management.Automation.CmdletInfo]::new($CommandName, $type)
        $script:SdkCommandInfo[$typeName] = $info
    }
    $info
}
