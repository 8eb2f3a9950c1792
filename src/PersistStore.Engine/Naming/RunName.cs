using System;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Naming
{
    /// <summary>
    /// Run names are identifiers a script types and a wildcard selects, so they exclude wildcard, path and
    /// whitespace characters. Uniqueness is case-insensitive (ordinal upper-invariant key), as PowerShell users expect.
    /// </summary>
    public static class RunName
    {
        public const int MaxLength = 128;

        public static string Validate(string? name)
        {
            if (name == null || name.Length == 0)
                throw new InvalidRunNameException(name, "the name is empty");
            if (name.Length > MaxLength)
                throw new InvalidRunNameException(name, $"it is {name.Length} characters long");
            if (!char.IsLetterOrDigit(name[0]))
                throw new InvalidRunNameException(name, "it must start with a letter or digit");
            foreach (char c in name)
            {
                if (!(char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))
                    throw new InvalidRunNameException(name, $"it contains '{Describe(c)}'");
            }
            if (Guid.TryParse(name, out _))
                throw new InvalidRunNameException(name, "it has the form of a run id (a GUID)");
            return name;
        }

        public static string Key(string name) => name.ToUpperInvariant();

        private static string Describe(char c) =>
            char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : c.ToString();
    }
}
