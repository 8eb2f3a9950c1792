namespace PersistStore.Engine.Errors
{
    /// <summary>What kind of failure an engine error is; the cmdlets map it to an ErrorCategory.</summary>
    public enum ErrorKind
    {
        InvalidArgument,
        NotFound,
        AlreadyExists,
        InvalidData,
        PermissionDenied,
        ResourceUnavailable,
        ResourceBusy,
        NotSupported,
        InvalidOperation,
        OperationStopped,
    }
}
