using System.Text;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>PowerShell wildcards as an anchored POSIX regular expression over upper-cased keys (from the GLOB form SQLite uses).</summary>
    internal static class PgWildcard
    {
        public static string ToRegex(string pattern)
        {
            string glob = SqliteWildcard.ToGlob(pattern);
            var sb = new StringBuilder("^");
            bool inSet = false;
            foreach (char c in glob)
            {
                if (inSet)
                {
                    if (c == '\\') sb.Append("\\\\");
                    else sb.Append(c);
                    if (c == ']') inSet = false;
                }
                else if (c == '[') { sb.Append('['); inSet = true; }
                else if (c == '*') sb.Append(".*");
                else if (c == '?') sb.Append('.');
                else if ("\\.^$+(){}|".IndexOf(c) >= 0) sb.Append('\\').Append(c);
                else sb.Append(c);
            }
            return sb.Append('$').ToString();
        }
    }
}
