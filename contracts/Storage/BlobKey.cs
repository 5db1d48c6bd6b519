namespace AftSweep.Contracts.Storage;

/// <summary>
/// The one rule for blob keys, shared by every backend so a key that works locally works in Azure and nothing
/// can name a path outside a store's root: '/'-separated segments of ASCII letters, digits, '.', '_' and '-',
/// no empty, "." or ".." segment, at most 512 characters.
/// </summary>
public static class BlobKey
{
    public const int MaxLength = 512;

    public static bool IsValid(string? key, out string problem)
    {
        problem = "";
        if (string.IsNullOrEmpty(key)) { problem = "is empty"; return false; }
        if (key.Length > MaxLength) { problem = $"is {key.Length} characters long (at most {MaxLength})"; return false; }
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0) { problem = "has an empty segment (leading, trailing or doubled '/')"; return false; }
            if (segment is "." or "..") { problem = $"has a '{segment}' segment"; return false; }
            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                {
                    problem = $"has the character '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}' (allowed: A-Z a-z 0-9 . _ - and '/' between segments)";
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the key and what is wrong with it.</summary>
    public static string Validate(string? key)
    {
        if (!IsValid(key, out var problem)) throw new ArgumentException($"blob key '{key}' {problem}", nameof(key));
        return key!;
    }

    /// <summary>A prefix for <see cref="IBlobStore.ListAsync"/>: empty, or a valid key optionally ending in '/'.</summary>
    public static string ValidatePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix)) return "";
        var body = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (!IsValid(body, out var problem)) throw new ArgumentException($"blob prefix '{prefix}' {problem}", nameof(prefix));
        return prefix;
    }

    /// <summary>
    /// A name made safe for a key segment: characters outside [A-Za-z0-9._-] become '_', at most 64 characters,
    /// never "." or "..". Only ever used beside a hash, so collisions do not matter.
    /// </summary>
    public static string Sanitize(string name)
    {
        var chars = name.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray();
        var s = new string(chars).Trim('.');
        return s.Length == 0 ? "_" : s;
    }
}
