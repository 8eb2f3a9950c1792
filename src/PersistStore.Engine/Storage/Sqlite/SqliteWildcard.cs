using System.Text;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>PowerShell wildcard syntax (*, ?, [set], backtick escapes) as a SQLite GLOB over upper-cased keys.</summary>
    internal static class SqliteWildcard
    {
        public static bool HasWildcard(string pattern)
        {
            for (int i = 0; i < pattern.Length; i++)
            {
                if (pattern[i] == '`') { i++; continue; }
                if (pattern[i] == '*' || pattern[i] == '?' || pattern[i] == '[') return true;
            }
            return false;
        }

        public static string Unescape(string pattern)
        {
            var sb = new StringBuilder(pattern.Length);
            for (int i = 0; i < pattern.Length; i++)
            {
                if (pattern[i] == '`' && i + 1 < pattern.Length) i++;
                sb.Append(pattern[i]);
            }
            return sb.ToString();
        }

        public static string ToGlob(string pattern)
        {
            var sb = new StringBuilder(pattern.Length + 8);
            bool inSet = false;
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = char.ToUpperInvariant(pattern[i]);
                if (c == '`' && i + 1 < pattern.Length)
                {
                    AppendLiteral(sb, char.ToUpperInvariant(pattern[++i]), inSet);
                    continue;
                }
                if (inSet)
                {
                    sb.Append(c);
                    if (c == ']') inSet = false;
                }
                else if (c == '[') { sb.Append('['); inSet = true; }
                else if (c == '*' || c == '?') sb.Append(c);
                else AppendLiteral(sb, c, false);
            }
            if (inSet) sb.Append(']');
            return sb.ToString();
        }

        private static void AppendLiteral(StringBuilder sb, char c, bool inSet)
        {
            if (!inSet && (c == '*' || c == '?' || c == '[')) sb.Append('[').Append(c).Append(']');
            else sb.Append(c);
        }
    }
}
