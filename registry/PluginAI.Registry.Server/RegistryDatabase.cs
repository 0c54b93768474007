using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace PluginAI.Registry.Server;

/// <summary>The SQLite index of the registry: packages, certifications, the contributors ledger and the index version.</summary>
/// <remarks>
/// WAL journal with <c>synchronous=FULL</c>: a committed change survives a crash. One connection per operation; writes
/// are serialised by the caller through <see cref="WriteLock"/>.
/// </remarks>
internal sealed partial class RegistryDatabase
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS packages (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            lower_id TEXT NOT NULL,
            version TEXT NOT NULL,
            lower_version TEXT NOT NULL,
            is_prerelease INTEGER NOT NULL,
            is_semver2 INTEGER NOT NULL,
            listed INTEGER NOT NULL,
            published TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            title TEXT,
            description TEXT,
            summary TEXT,
            authors TEXT NOT NULL,
            tags TEXT NOT NULL,
            project_url TEXT,
            license_expression TEXT,
            dependency_groups TEXT NOT NULL,
            kinds TEXT NOT NULL,
            display_name TEXT,
            host_api TEXT,
            licensing_model TEXT NOT NULL,
            variants TEXT NOT NULL,
            requirements TEXT NOT NULL,
            has_signature INTEGER NOT NULL,
            manifest_json TEXT NOT NULL,
            UNIQUE (lower_id, lower_version));
        CREATE INDEX IF NOT EXISTS ix_packages_listed ON packages (listed, lower_id);
        CREATE TABLE IF NOT EXISTS package_kinds (
            kind TEXT NOT NULL,
            pk INTEGER NOT NULL REFERENCES packages (pk) ON DELETE CASCADE,
            PRIMARY KEY (kind, pk)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_package_kinds_pk ON package_kinds (pk);
        CREATE VIRTUAL TABLE IF NOT EXISTS packages_fts USING fts5 (body, content='', contentless_delete=1, tokenize='unicode61');
        CREATE TABLE IF NOT EXISTS certifications (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL,
            lower_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            envelope TEXT NOT NULL,
            added TEXT NOT NULL,
            UNIQUE (lower_id, sha256));
        CREATE TABLE IF NOT EXISTS contributors (
            lower_id TEXT NOT NULL,
            lower_version TEXT NOT NULL,
            id TEXT NOT NULL,
            version TEXT NOT NULL,
            contributor TEXT NOT NULL,
            name TEXT,
            email TEXT,
            code_commits INTEGER NOT NULL,
            doc_commits INTEGER NOT NULL,
            issues INTEGER NOT NULL,
            lines_added INTEGER NOT NULL,
            lines_removed INTEGER NOT NULL,
            raw_score REAL NOT NULL,
            share REAL NOT NULL,
            code_weight REAL NOT NULL,
            issues_weight REAL NOT NULL,
            docs_weight REAL NOT NULL,
            since TEXT,
            until TEXT,
            PRIMARY KEY (lower_id, lower_version, contributor)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS index_state (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT OR IGNORE INTO index_state (key, value) VALUES ('version', 0);
        """;

    private const string PackageColumns = "p.pk, p.id, p.version, p.is_prerelease, p.is_semver2, p.listed, p.published, p.sha256, p.size, p.title, p.description, p.summary, p.authors, p.tags, p.project_url, p.license_expression, p.dependency_groups, p.kinds, p.display_name, p.host_api, p.licensing_model, p.variants, p.requirements, p.has_signature, p.manifest_json, EXISTS (SELECT 1 FROM certifications c WHERE c.lower_id = p.lower_id)";

    private readonly string _connectionString;

    private RegistryDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Gets the lock that serialises writes to the index and to the package folder.</summary>
    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    public static RegistryDatabase Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var database = new RegistryDatabase(path);
        using var connection = database.Connect();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, Schema);
        return database;
    }

    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;");
        return connection;
    }

    public long IndexVersion()
    {
        using var connection = Connect();
        return Scalar<long>(connection, null, "SELECT value FROM index_state WHERE key = 'version'");
    }

    public bool Exists(string lowerId, string lowerVersion)
    {
        using var connection = Connect();
        using var command = Command(connection, null, "SELECT 1 FROM packages WHERE lower_id = $id AND lower_version = $version", ("$id", lowerId), ("$version", lowerVersion));
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Inserts a package with its contributors rows and bumps the index version, in one transaction; false when it exists.</summary>
    public bool Insert(PackageRecord package, IReadOnlyList<ContributorRow> contributors, bool bumpVersion = true)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        if (!InsertCore(connection, transaction, package, contributors))
        {
            return false;
        }

        if (bumpVersion)
        {
            BumpVersion(connection, transaction);
        }

        transaction.Commit();
        return true;
    }

    /// <summary>Inserts many packages in one transaction (one disk flush), skipping those that exist; returns how many were added.</summary>
    public int InsertMany(IEnumerable<(PackageRecord Package, IReadOnlyList<ContributorRow> Contributors)> packages)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var added = 0;
        foreach (var (package, contributors) in packages)
        {
            added += InsertCore(connection, transaction, package, contributors) ? 1 : 0;
        }

        transaction.Commit();
        return added;
    }

    private static bool InsertCore(SqliteConnection connection, SqliteTransaction transaction, PackageRecord package, IReadOnlyList<ContributorRow> contributors)
    {
        if (Scalar<long>(connection, transaction, "SELECT COUNT(*) FROM packages WHERE lower_id = $id AND lower_version = $version", ("$id", package.LowerId), ("$version", package.LowerVersion)) > 0)
        {
            return false;
        }

        var pk = Scalar<long>(connection, transaction, """
            INSERT INTO packages (id, lower_id, version, lower_version, is_prerelease, is_semver2, listed, published, sha256, size, title, description, summary,
                authors, tags, project_url, license_expression, dependency_groups, kinds, display_name, host_api, licensing_model, variants, requirements, has_signature, manifest_json)
            VALUES ($id, $lower_id, $version, $lower_version, $pre, $semver2, $listed, $published, $sha, $size, $title, $description, $summary,
                $authors, $tags, $project_url, $licence, $groups, $kinds, $display, $host_api, $licensing, $variants, $requirements, $signed, $manifest)
            RETURNING pk
            """,
            ("$id", package.Id), ("$lower_id", package.LowerId), ("$version", package.Version), ("$lower_version", package.LowerVersion),
            ("$pre", package.IsPrerelease), ("$semver2", package.IsSemVer2), ("$listed", package.Listed), ("$published", package.Published.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
            ("$sha", package.Sha256), ("$size", package.Size), ("$title", package.Title), ("$description", package.Description), ("$summary", package.Summary),
            ("$authors", package.Authors), ("$tags", package.Tags), ("$project_url", package.ProjectUrl), ("$licence", package.LicenseExpression), ("$groups", package.DependencyGroupsJson),
            ("$kinds", JsonSerializer.Serialize(package.Kinds.ToList(), RegistryJsonContext.Default.ListString)), ("$display", package.DisplayName), ("$host_api", package.HostApi),
            ("$licensing", package.LicensingModel), ("$variants", JsonSerializer.Serialize(package.Variants.ToList(), RegistryJsonContext.Default.ListString)),
            ("$requirements", package.RequirementsJson), ("$signed", package.HasSignature), ("$manifest", package.ManifestJson));

        foreach (var kind in package.Kinds)
        {
            NonQuery(connection, transaction, "INSERT OR IGNORE INTO package_kinds (kind, pk) VALUES ($kind, $pk)", ("$kind", kind), ("$pk", pk));
        }

        var body = string.Join(' ', package.Id, package.Id.Replace('.', ' ').Replace('-', ' '), package.Title, package.DisplayName, package.Description, package.Summary, package.Tags, string.Join(' ', package.Kinds));
        NonQuery(connection, transaction, "INSERT INTO packages_fts (rowid, body) VALUES ($pk, $body)", ("$pk", pk), ("$body", body));

        foreach (var row in contributors)
        {
            NonQuery(connection, transaction, """
                INSERT OR REPLACE INTO contributors (lower_id, lower_version, id, version, contributor, name, email, code_commits, doc_commits, issues, lines_added, lines_removed,
                    raw_score, share, code_weight, issues_weight, docs_weight, since, until)
                VALUES ($lower_id, $lower_version, $id, $version, $contributor, $name, $email, $code, $docs, $issues, $added, $removed, $raw, $share, $wc, $wi, $wd, $since, $until)
                """,
                ("$lower_id", package.LowerId), ("$lower_version", package.LowerVersion), ("$id", package.Id), ("$version", package.Version), ("$contributor", row.Contributor),
                ("$name", row.Name), ("$email", row.Email), ("$code", row.CodeCommits), ("$docs", row.DocCommits), ("$issues", row.Issues), ("$added", row.LinesAdded),
                ("$removed", row.LinesRemoved), ("$raw", row.RawScore), ("$share", row.Share), ("$wc", row.CodeWeight), ("$wi", row.IssuesWeight), ("$wd", row.DocsWeight),
                ("$since", row.Since?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)), ("$until", row.Until?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)));
        }

        return true;
    }

    /// <summary>Removes a package row, its kinds, search text and ledger rows; returns false when there was none.</summary>
    public bool Delete(string lowerId, string lowerVersion, bool bumpVersion)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var pk = Scalar<long?>(connection, transaction, "SELECT pk FROM packages WHERE lower_id = $id AND lower_version = $version", ("$id", lowerId), ("$version", lowerVersion));
        if (pk is null)
        {
            return false;
        }

        NonQuery(connection, transaction, "DELETE FROM packages_fts WHERE rowid = $pk", ("$pk", pk.Value));
        NonQuery(connection, transaction, "DELETE FROM package_kinds WHERE pk = $pk", ("$pk", pk.Value));
        NonQuery(connection, transaction, "DELETE FROM packages WHERE pk = $pk", ("$pk", pk.Value));
        NonQuery(connection, transaction, "DELETE FROM contributors WHERE lower_id = $id AND lower_version = $version", ("$id", lowerId), ("$version", lowerVersion));
        if (bumpVersion)
        {
            BumpVersion(connection, transaction);
        }

        transaction.Commit();
        return true;
    }

    /// <summary>Lists or unlists a version; returns null when it does not exist, otherwise whether the state changed.</summary>
    public bool? SetListed(string lowerId, string lowerVersion, bool listed)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var current = Scalar<long?>(connection, transaction, "SELECT listed FROM packages WHERE lower_id = $id AND lower_version = $version", ("$id", lowerId), ("$version", lowerVersion));
        if (current is null)
        {
            return null;
        }

        if ((current.Value != 0) == listed)
        {
            return false;
        }

        NonQuery(connection, transaction, "UPDATE packages SET listed = $listed WHERE lower_id = $id AND lower_version = $version", ("$listed", listed), ("$id", lowerId), ("$version", lowerVersion));
        BumpVersion(connection, transaction);
        transaction.Commit();
        return true;
    }

    public void BumpVersion()
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        BumpVersion(connection, transaction);
        transaction.Commit();
    }

    public List<(string LowerId, string LowerVersion)> AllKeys()
    {
        using var connection = Connect();
        using var command = Command(connection, null, "SELECT lower_id, lower_version FROM packages");
        using var reader = command.ExecuteReader();
        var keys = new List<(string, string)>();
        while (reader.Read())
        {
            keys.Add((reader.GetString(0), reader.GetString(1)));
        }

        return keys;
    }

    /// <summary>Every version of an id, listed or not, in version order.</summary>
    public List<PackageRecord> Versions(string lowerId)
    {
        using var connection = Connect();
        return ReadPackages(connection, $"SELECT {PackageColumns} FROM packages p WHERE p.lower_id = $id", ("$id", lowerId))
            .OrderBy(p => p.NuGetVersion).ToList();
    }

    public PackageRecord? Find(string lowerId, string lowerVersion)
    {
        using var connection = Connect();
        return ReadPackages(connection, $"SELECT {PackageColumns} FROM packages p WHERE p.lower_id = $id AND p.lower_version = $version", ("$id", lowerId), ("$version", lowerVersion)).FirstOrDefault();
    }

    /// <summary>
    /// Every package, for a newly signed index, ordered by id and version, with the index version to sign it under: a
    /// version never signed before, so that two different signed payloads never share a version.
    /// </summary>
    /// <remarks>
    /// The version is also at least <paramref name="minimum"/> (the issue time in Unix seconds, and one more than the last
    /// version signed as kept outside the database), so that a rebuilt database never signs a version lower than one
    /// that clients have already seen.
    /// </remarks>
    public List<(string Id, string Version, string Sha256, bool Listed)> IndexForSigning(long minimum, out long version)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        version = Scalar<long>(connection, transaction, "SELECT value FROM index_state WHERE key = 'version'");
        var signed = Scalar<long?>(connection, transaction, "SELECT value FROM index_state WHERE key = 'signed'") ?? 0;
        if (version <= signed || version < minimum)
        {
            version = Math.Max(signed + 1, minimum);
            NonQuery(connection, transaction, "UPDATE index_state SET value = $v WHERE key = 'version'", ("$v", version));
        }

        NonQuery(connection, transaction, "INSERT OR REPLACE INTO index_state (key, value) VALUES ('signed', $v)", ("$v", version));
        using var command = Command(connection, transaction, "SELECT id, version, sha256, listed FROM packages ORDER BY lower_id, pk");
        using var reader = command.ExecuteReader();
        var entries = new List<(string, string, string, bool)>();
        while (reader.Read())
        {
            entries.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3) != 0));
        }

        reader.Close();
        transaction.Commit();
        return entries;
    }

    /// <summary>Searches listed packages; returns the matching versions of the page's ids, grouped by id in id order.</summary>
    public List<List<PackageRecord>> Search(SearchQuery query, out int totalHits)
    {
        var where = new StringBuilder("p.listed = 1");
        var parameters = new List<(string, object?)>();
        if (!query.Prerelease)
        {
            where.Append(" AND p.is_prerelease = 0");
        }

        if (!query.SemVer2)
        {
            where.Append(" AND p.is_semver2 = 0");
        }

        var text = query.Text?.Trim() ?? string.Empty;
        var exact = ExactIdPattern().Match(text);
        if (exact.Success)
        {
            where.Append(" AND p.lower_id = $exact");
            parameters.Add(("$exact", exact.Groups[1].Value.ToLowerInvariant()));
            text = text.Remove(exact.Index, exact.Length);
        }

        var terms = TermPattern().Matches(text).Select(m => m.Value.ToLowerInvariant()).Distinct().ToList();
        if (terms.Count > 0)
        {
            where.Append(" AND p.pk IN (SELECT rowid FROM packages_fts WHERE packages_fts MATCH $match)");
            parameters.Add(("$match", string.Join(' ', terms.Select(t => $"\"{t}\"*"))));
        }

        // Model packages are not plugins: plugin search never lists them.
        where.Append(" AND NOT EXISTS (SELECT 1 FROM package_kinds m WHERE m.kind = 'model' AND m.pk = p.pk)");

        if (query.Kind is not null)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM package_kinds k WHERE k.kind = $kind AND k.pk = p.pk)");
            parameters.Add(("$kind", query.Kind));
        }

        if (query.CertifiedOnly)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM certifications c WHERE c.lower_id = p.lower_id)");
        }

        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        totalHits = (int)Scalar<long>(connection, transaction, $"SELECT COUNT(DISTINCT p.lower_id) FROM packages p WHERE {where}", [.. parameters]);
        var pageParameters = new List<(string, object?)>(parameters) { ("$skip", query.Skip), ("$take", query.Take) };
        var records = ReadPackages(connection, $"""
            SELECT {PackageColumns} FROM packages p
            WHERE {where} AND p.lower_id IN (SELECT DISTINCT p.lower_id FROM packages p WHERE {where} ORDER BY p.lower_id LIMIT $take OFFSET $skip)
            """, [.. pageParameters], transaction);
        return records.GroupBy(r => r.LowerId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(r => r.NuGetVersion).ToList()).ToList();
    }

    /// <summary>Stores a certification envelope; false when the same envelope is already stored for the id.</summary>
    public bool AddCertification(string id, string sha256, string envelope, DateTimeOffset added)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var inserted = NonQuery(connection, transaction, "INSERT OR IGNORE INTO certifications (id, lower_id, sha256, envelope, added) VALUES ($id, $lower_id, $sha, $envelope, $added)",
            ("$id", id), ("$lower_id", id.ToLowerInvariant()), ("$sha", sha256), ("$envelope", envelope), ("$added", added.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)));
        if (inserted == 0)
        {
            return false;
        }

        BumpVersion(connection, transaction);
        transaction.Commit();
        return true;
    }

    public List<(string Envelope, DateTimeOffset Added)> Certifications(string lowerId)
    {
        using var connection = Connect();
        using var command = Command(connection, null, "SELECT envelope, added FROM certifications WHERE lower_id = $id ORDER BY seq", ("$id", lowerId));
        using var reader = command.ExecuteReader();
        var list = new List<(string, DateTimeOffset)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }

        return list;
    }

    public List<ContributorRow> Contributors(string lowerId, string? lowerVersion)
    {
        using var connection = Connect();
        var sql = "SELECT id, version, contributor, name, email, code_commits, doc_commits, issues, lines_added, lines_removed, raw_score, share, code_weight, issues_weight, docs_weight, since, until FROM contributors WHERE lower_id = $id"
            + (lowerVersion is null ? string.Empty : " AND lower_version = $version");
        using var command = Command(connection, null, sql, ("$id", lowerId), ("$version", lowerVersion));
        using var reader = command.ExecuteReader();
        var rows = new List<ContributorRow>();
        while (reader.Read())
        {
            rows.Add(new ContributorRow
            {
                Id = reader.GetString(0),
                Version = reader.GetString(1),
                Contributor = reader.GetString(2),
                Name = reader.IsDBNull(3) ? null : reader.GetString(3),
                Email = reader.IsDBNull(4) ? null : reader.GetString(4),
                CodeCommits = reader.GetInt32(5),
                DocCommits = reader.GetInt32(6),
                Issues = reader.GetInt32(7),
                LinesAdded = reader.GetInt64(8),
                LinesRemoved = reader.GetInt64(9),
                RawScore = reader.GetDouble(10),
                Share = reader.GetDouble(11),
                CodeWeight = reader.GetDouble(12),
                IssuesWeight = reader.GetDouble(13),
                DocsWeight = reader.GetDouble(14),
                Since = reader.IsDBNull(15) ? null : DateTimeOffset.Parse(reader.GetString(15), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Until = reader.IsDBNull(16) ? null : DateTimeOffset.Parse(reader.GetString(16), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            });
        }

        return [.. rows.OrderBy(r => NuGet.Versioning.NuGetVersion.Parse(r.Version)).ThenByDescending(r => r.Share).ThenBy(r => r.Contributor, StringComparer.Ordinal)];
    }

    private static void BumpVersion(SqliteConnection connection, SqliteTransaction transaction) =>
        NonQuery(connection, transaction, "UPDATE index_state SET value = value + 1 WHERE key = 'version'");

    private static List<PackageRecord> ReadPackages(SqliteConnection connection, string sql, params (string, object?)[] parameters) =>
        ReadPackages(connection, sql, parameters, null);

    private static List<PackageRecord> ReadPackages(SqliteConnection connection, string sql, (string, object?)[] parameters, SqliteTransaction? transaction)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var list = new List<PackageRecord>();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            list.Add(new PackageRecord
            {
                Pk = reader.GetInt64(0),
                Id = reader.GetString(1),
                Version = reader.GetString(2),
                IsPrerelease = reader.GetInt64(3) != 0,
                IsSemVer2 = reader.GetInt64(4) != 0,
                Listed = reader.GetInt64(5) != 0,
                Published = DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Sha256 = reader.GetString(7),
                Size = reader.GetInt64(8),
                Title = Text(9),
                Description = Text(10),
                Summary = Text(11),
                Authors = reader.GetString(12),
                Tags = reader.GetString(13),
                ProjectUrl = Text(14),
                LicenseExpression = Text(15),
                DependencyGroupsJson = reader.GetString(16),
                Kinds = JsonSerializer.Deserialize(reader.GetString(17), RegistryJsonContext.Default.ListString) ?? [],
                DisplayName = Text(18),
                HostApi = Text(19),
                LicensingModel = reader.GetString(20),
                Variants = JsonSerializer.Deserialize(reader.GetString(21), RegistryJsonContext.Default.ListString) ?? [],
                RequirementsJson = reader.GetString(22),
                HasSignature = reader.GetInt64(23) != 0,
                ManifestJson = reader.GetString(24),
                Certified = reader.GetInt64(25) != 0,
            });
        }

        return list;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, null, sql);
        command.ExecuteNonQuery();
    }

    private static int NonQuery(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        if (value is null or DBNull)
        {
            return default!;
        }

        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(?:packageid|id):\s*""?([A-Za-z0-9_.\-]+)""?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExactIdPattern();

    [GeneratedRegex(@"[\p{L}\p{N}_]+", RegexOptions.CultureInvariant)]
    private static partial Regex TermPattern();
}
