using System;
using System.Collections.Generic;
using System.Globalization;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Naming
{
    /// <summary>
    /// Run properties hold simple values only, normalised to one CLR type per kind so that what is read back
    /// compares equal to what was written: string, long, double, decimal, bool, DateTime (UTC).
    /// </summary>
    public static class PropertyRules
    {
        public const int MaxNameLength = 128;
        /// <summary>One limit for every free text a run holds (property strings and the description): 1 MiB of
        /// characters keeps a run's row and its history entry small enough to read back in one go.</summary>
        public const int MaxStringLength = 1 << 20;

        public const string MaxStringLengthText = "1 MiB (1,048,576 characters)";

        public static string? ValidateDescription(string? description)
        {
            if (description != null && description.Length > MaxStringLength)
                throw new InvalidDescriptionException($"it is {description.Length:N0} characters long, and descriptions, like property strings, hold at most {MaxStringLengthText}");
            return description;
        }

        public static string ValidateName(string? name)
        {
            if (name == null || name.Trim().Length == 0)
                throw new InvalidPropertyException(name, "the name is empty");
            if (name.Length > MaxNameLength)
                throw new InvalidPropertyException(name, $"the name is {name.Length} characters long");
            foreach (char c in name)
                if (char.IsControl(c))
                    throw new InvalidPropertyException(name, $"the name contains the control character U+{(int)c:X4}");
            return name;
        }

        public static object NormalizeValue(string name, object? value)
        {
            switch (value)
            {
                case null:
                    throw new InvalidPropertyException(name, "the value is null (to remove a property, use -RemoveProperty)");
                case string s:
                    if (s.Length > MaxStringLength)
                        throw new InvalidPropertyException(name, $"the string is {s.Length:N0} characters long, and property strings, like descriptions, hold at most {MaxStringLengthText}");
                    return s;
                case bool b: return b;
                case byte or sbyte or short or ushort or int or uint or long:
                    return Convert.ToInt64(value, CultureInfo.InvariantCulture);
                case ulong u:
                    if (u > long.MaxValue) return (decimal)u;
                    return (long)u;
                case float f: return (double)f;
                case double d:
                    if (double.IsNaN(d) || double.IsInfinity(d))
                        throw new InvalidPropertyException(name, "NaN and infinity cannot be stored");
                    return d;
                case decimal m: return m;
                // Unspecified is read as local time, as PowerShell's own [datetime] casts mean it.
                case DateTime dt: return dt.Kind == DateTimeKind.Utc ? dt : dt.ToUniversalTime();
                case DateTimeOffset dto: return dto.UtcDateTime;
                case char ch: return ch.ToString();
                case Enum e: return e.ToString();
                default:
                    throw new InvalidPropertyException(name, $"a value of type {value.GetType().FullName} is not a simple value");
            }
        }

        public static SortedDictionary<string, object> EmptySet() =>
            new SortedDictionary<string, object>(StringComparer.OrdinalIgnoreCase);

        public static SortedDictionary<string, object> Copy(IReadOnlyDictionary<string, object> source)
        {
            var copy = EmptySet();
            foreach (var kv in source) copy[kv.Key] = kv.Value;
            return copy;
        }
    }
}
