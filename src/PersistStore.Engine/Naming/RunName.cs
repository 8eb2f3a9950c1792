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
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-') continue;
                // A character outside the BMP (an emoji) is two UTF-16 units: name it whole, never half a pair.
                bool pair = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]);
                throw new InvalidRunNameException(name, $"it contains {Describe(pair ? name.Substring(i, 2) : c.ToString())}");
            }
            if (Guid.TryParse(name, out _))
                throw new InvalidRunNameException(name, "it has the form of a run id (a GUID)");
            return name;
        }

        public static string Key(string name) => name.ToUpperInvariant();

        private static string Describe(string character)
        {
            if (character.Length == 1 && (char.IsControl(character[0]) || char.IsWhiteSpace(character[0]) || char.IsSurrogate(character[0])))
                return $"U+{(int)character[0]:X4}";
            return $"'{character}' (U+{char.ConvertToUtf32(character, 0):X4})";
        }
    }
}
