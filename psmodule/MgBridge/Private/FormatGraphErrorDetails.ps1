function FormatGraphErrorDetails {
    <#
    .SYNOPSIS
    The SDK's multi-line ErrorDetails text of a Graph error: message, Status, ErrorCode, Date,
    then the response headers (request-id and client-request-id among them).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [object] $BridgeError,
        [Parameter(Mandatory)] [string] $Code
    )
    $status = [int]$BridgeError.status
    $date = $BridgeError.date
    if ($date -is [datetime]) { $date = $date.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss', [cultureinfo]::InvariantCulture) }
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add([string]$BridgeError.graph_message)
    $lines.Add('')
    $lines.Add("Status: $status ($([System.Net.HttpStatusCode]$status))")
    $lines.Add("ErrorCode: $Code")
    if ($date) { $lines.Add("Date: $date") }
    $lines.Add('')
    $lines.Add('Headers:')
    $headers = $BridgeError.headers
    if ($headers) {
        foreach ($header in $headers.psobject.Properties) { $lines.Add(('{0,-30}: {1}' -f $header.Name, $header.Value)) }
    }
    foreach ($name in 'request-id', 'client-request-id') {
        $value = $BridgeError.($name -replace '-', '_')
        if ($value -and -not ($headers -and $headers.psobject.Properties[$name])) { $lines.Add(('{0,-30}: {1}' -f $name, $value)) }
    }
    $lines -join [System.Environment]::NewLine
}
