using System;

namespace PersistStore.Engine.Errors
{
    /// <summary>
    /// Base of every error the engine reports on purpose. ErrorId is stable across versions (scripts match on it);
    /// Target is the user's item the error is about; the message always says what to do next.
    /// </summary>
    public class PersistStoreException : Exception
    {
        public PersistStoreException(string errorId, ErrorKind kind, object? target, string message, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }
        public ErrorKind Kind { get; }
        public object? Target { get; }
    }

    /// <summary>Something the user should know that did not stop the work (reported as a warning, not an error).</summary>
    public sealed class PersistStoreWarning : PersistStoreException
    {
        public PersistStoreWarning(string errorId, object? target, string message)
            : base(errorId, ErrorKind.InvalidData, target, message)
        { }
    }

    public sealed class InvalidRunNameException : PersistStoreException
    {
        public InvalidRunNameException(string? name, string reason)
            : base("InvalidRunName", ErrorKind.InvalidArgument, name,
                $"'{name}' is not a valid run name: {reason}. Use 1 to {Naming.RunName.MaxLength} letters, digits, '.', '_' or '-', starting with a letter or digit.")
        { }
    }

    public sealed class RunNotFoundException : PersistStoreException
    {
        public RunNotFoundException(string run)
            : base("RunNotFound", ErrorKind.NotFound, run,
                $"No run named or with id '{run}' exists in this store. Use Get-Run to list runs, or New-Run to create it.")
        { }
    }

    public sealed class RunAlreadyExistsException : PersistStoreException
    {
        public RunAlreadyExistsException(string name, string existing)
            : base("RunAlreadyExists", ErrorKind.AlreadyExists, name,
                $"A run named '{existing}' already exists (run names are case-insensitive). Choose another name, or use Set-Run to change the existing run.")
        { }
    }

    public sealed class InvalidTagException : PersistStoreException
    {
        public InvalidTagException(string? tag, string reason)
            : base("InvalidTag", ErrorKind.InvalidArgument, tag,
                $"'{tag}' is not a valid tag: {reason}. Tags are 1 to {Naming.TagList.MaxTagLength} characters with no control characters.")
        { }
    }

    public sealed class InvalidPropertyException : PersistStoreException
    {
        public InvalidPropertyException(string? name, string reason)
            : base("InvalidProperty", ErrorKind.InvalidArgument, name,
                $"Property '{name}' cannot be stored: {reason}. Property values are strings, numbers, booleans or dates; names are 1 to {Naming.PropertyRules.MaxNameLength} characters.")
        { }
    }

    public sealed class InvalidDescriptionException : PersistStoreException
    {
        public InvalidDescriptionException(string reason)
            : base("InvalidDescription", ErrorKind.InvalidArgument, null,
                $"The description cannot be stored: {reason}. Keep long text in a file in the run's directory, and a short summary in the description.")
        { }
    }

    public sealed class StoreNotFoundException : PersistStoreException
    {
        public StoreNotFoundException(string location, string reason)
            : base("StoreNotFound", ErrorKind.NotFound, location, reason)
        { }
    }

    public sealed class StoreAccessException : PersistStoreException
    {
        public StoreAccessException(string location, string reason, Exception? inner = null)
            : base("StoreAccessDenied", ErrorKind.PermissionDenied, location, reason, inner)
        { }
    }

    public sealed class StoreFormatException : PersistStoreException
    {
        public StoreFormatException(string errorId, string location, string reason, Exception? inner = null)
            : base(errorId, ErrorKind.InvalidData, location, reason, inner)
        { }
    }

    public sealed class UnsupportedStoreLocationException : PersistStoreException
    {
        public UnsupportedStoreLocationException(string errorId, string location, string reason)
            : base(errorId, ErrorKind.NotSupported, location, reason)
        { }
    }
}
