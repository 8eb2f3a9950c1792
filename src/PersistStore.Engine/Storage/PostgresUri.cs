using System;
using System.Collections.Generic;
using System.Text;

namespace PersistStore.Engine.Storage
{
    /// <summary>
    /// libpq's URI form, postgresql://[user[:password]@][host][:port][/database][?param=value&amp;...], as the keyword
    /// form Npgsql reads (so that Display masks the password as it does for keywords). Parameters libpq names
    /// differently are renamed; others pass as they are, and Npgsql refuses what it does not know.
    /// </summary>
    internal static class PostgresUri
    {
        private static readonly Dictionary<string, string> Renamed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["sslmode"] = "SSL Mode", ["application_name"] = "Application Name", ["connect_timeout"] = "Timeout",
            ["user"] = "Username", ["password"] = "Password", ["dbname"] = "Database", ["host"] = "Host", ["port"] = "Port",
            ["search_path"] = "Search Path", ["sslrootcert"] = "Root Certificate", ["target_session_attrs"] = "Target Session Attributes",
        };

        public static string? TryConvert(string text)
        {
            string t = text.Trim();
            string rest;
            if (t.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)) rest = t.Substring("postgresql://".Length);
            else if (t.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)) rest = t.Substring("postgres://".Length);
            else return null;

            var parts = new List<(string Key, string Value)>();
            string query = "";
            int q = rest.IndexOf('?');
            if (q >= 0) { query = rest.Substring(q + 1); rest = rest.Substring(0, q); }
            int slash = rest.IndexOf('/');
            string database = slash >= 0 ? rest.Substring(slash + 1) : "";
            string authority = slash >= 0 ? rest.Substring(0, slash) : rest;
            int at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                string userInfo = authority.Substring(0, at);
                authority = authority.Substring(at + 1);
                int colon = userInfo.IndexOf(':');
                parts.Add(("Username", Uri.UnescapeDataString(colon >= 0 ? userInfo.Substring(0, colon) : userInfo)));
                if (colon >= 0) parts.Add(("Password", Uri.UnescapeDataString(userInfo.Substring(colon + 1))));
            }
            if (authority.Length > 0)
            {
                // host, host:port, [v6]:port; several hosts (h1:p1,h2:p2) become Npgsql's Host=h1:p1,h2:p2.
                bool single = authority.IndexOf(',') < 0;
                int portAt = authority.LastIndexOf(':');
                if (single && portAt > authority.LastIndexOf(']'))
                {
                    parts.Add(("Host", Uri.UnescapeDataString(authority.Substring(0, portAt)).Trim('[', ']')));
                    parts.Add(("Port", authority.Substring(portAt + 1)));
                }
                else parts.Add(("Host", Uri.UnescapeDataString(authority)));
            }
            if (database.Length > 0) parts.Add(("Database", Uri.UnescapeDataString(database)));
            foreach (var pair in query.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string key = Uri.UnescapeDataString(eq >= 0 ? pair.Substring(0, eq) : pair);
                string value = eq >= 0 ? Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' ')) : "";
                parts.Add((Renamed.TryGetValue(key, out var name) ? name : key, value));
            }
            if (!parts.Exists(p => p.Key == "Host")) parts.Insert(0, ("Host", "localhost"));

            var sb = new StringBuilder();
            foreach (var (key, value) in parts)
            {
                if (sb.Length > 0) sb.Append(';');
                sb.Append(key).Append('=').Append(Quote(value));
            }
            return sb.ToString();
        }

        /// <summary>A value with ; = ' or " in it is double-quoted, as connection strings allow.</summary>
        private static string Quote(string value) =>
            value.IndexOfAny(new[] { ';', '=', '\'', '"' }) < 0 && value.Trim() == value ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
