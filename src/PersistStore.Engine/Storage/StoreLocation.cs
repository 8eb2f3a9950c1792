using System;
using System.Text.RegularExpressions;

namespace PersistStore.Engine.Storage
{
    public enum StoreKind { SqliteFile, PostgreSql }

    /// <summary>
    /// Where a store lives: a SQLite file path, or a PostgreSQL connection string. Display never contains a
    /// password, so it is safe for errors, verbose output and history.
    /// </summary>
    public sealed class StoreLocation : IEquatable<StoreLocation>
    {
        private static readonly Regex PostgresKey = new Regex(@"(^|;)\s*(Host|Server)\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex SqliteKey = new Regex(@"(^|;)\s*(Data Source|DataSource|Filename)\s*=\s*(?<path>[^;]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex Secret = new Regex(@"(?<key>(Password|Pwd)\s*=)\s*(""([^""]|"""")*""|'([^']|'')*'|[^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private StoreLocation(StoreKind kind, string value)
        {
            Kind = kind;
            Value = value;
        }

        public StoreKind Kind { get; }
        /// <summary>The full path or connection string, secrets included: never print it.</summary>
        public string Value { get; }
        public string Display => Kind == StoreKind.SqliteFile ? Value : Secret.Replace(Value, "${key}***");

        public static StoreLocation ForFile(string fullPath) => new StoreLocation(StoreKind.SqliteFile, fullPath);

        /// <summary>A connection string for PostgreSQL (keywords, or a postgresql:// URI, kept as keywords), or a SQLite
        /// "Data Source=" one (returned as its path); null for a plain path.</summary>
        public static StoreLocation? TryParseConnectionString(string text)
        {
            if (PostgresUri.TryConvert(text) is string keywords) return new StoreLocation(StoreKind.PostgreSql, keywords);
            if (PostgresKey.IsMatch(text)) return new StoreLocation(StoreKind.PostgreSql, text.Trim());
            var m = SqliteKey.Match(text);
            return m.Success ? ForFile(m.Groups["path"].Value.Trim()) : null;
        }

        public bool Equals(StoreLocation? other) =>
            other != null && other.Kind == Kind && string.Equals(other.Value, Value, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as StoreLocation);
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value) ^ (int)Kind;
        public override string ToString() => Display;
    }
}
