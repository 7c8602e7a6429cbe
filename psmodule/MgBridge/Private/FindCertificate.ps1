function FindCertificate {
    <#
    .SYNOPSIS
    Finds a certificate with a private key in the CurrentUser\My store, by thumbprint or subject
    name (the newest valid one when several share the subject), as Connect-MgGraph does.
    .DESCRIPTION
    .NET keeps CurrentUser\My on Linux too (~/.dotnet/corefx/cryptography/x509stores/my); where
    the platform has no such store, the error says so.
    #>
    [CmdletBinding()]
    [OutputType([System.Security.Cryptography.X509Certificates.X509Certificate2])]
    param(
        [string] $Thumbprint,
        [string] $SubjectName
    )

    if (-not $Thumbprint -and -not $SubjectName) {
        throw [System.ArgumentException]::new('Give -CertificateThumbprint, -CertificateSubjectName or -Certificate.')
    }
    $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    try {
        try {
            $store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]::ReadOnly)
        } catch {
            throw [System.PlatformNotSupportedException]::new(
                "The CurrentUser\My certificate store cannot be opened on this platform ($($_.Exception.Message)); " +
                'pass the certificate with -Certificate.')
        }
        $now = [datetime]::Now
        $found = if ($Thumbprint) {
            $wanted = $Thumbprint -replace '[\s:]', ''
            $store.Certificates | Where-Object { $_.Thumbprint -eq $wanted }
        } else {
            $store.Certificates | Where-Object { $_.Subject -eq $SubjectName -or $_.Subject -eq "CN=$SubjectName" } |
                Where-Object { $_.NotBefore -le $now -and $_.NotAfter -ge $now } |
                Sort-Object -Property NotAfter -Descending
        }
        $certificate = $found | Where-Object { $_.HasPrivateKey } | Select-Object -First 1
        if (-not $certificate) {
            $what = if ($Thumbprint) { "thumbprint $Thumbprint" } else { "subject '$SubjectName' (valid now)" }
            $why = if ($found) { ' has no private key' } else { ' is not' }
            throw [System.Management.Automation.ItemNotFoundException]::new("The certificate with $what$why in the CurrentUser\My store.")
        }
        $certificate
    } finally {
        $store.Dispose()
    }
}
