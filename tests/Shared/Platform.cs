// The suite runs on Linux: it signals child processes (kill -9, SIGSTOP), mounts read-only folders and runs
// commands as another user. Saying so lets the platform analyzer check the Unix-only helpers it calls.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
