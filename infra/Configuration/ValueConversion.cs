using System.ComponentModel;

namespace AftSweep.Infra.Configuration;

/// <summary>
/// Whether a setting's text converts to the type it binds to, and if not, what was expected, in words a user reads
/// ("is not a whole number"), for command lines and configuration alike (the binders' own message is
/// "Failed to convert 'abc' to Nullable`1").
/// </summary>
public static class ValueConversion
{
    /// <summary>Why <paramref name="value"/> does not convert to <paramref name="type"/>, or null when it does.</summary>
    public static string? Problem(string value, Type type)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(type);
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsArray) target = target.GetElementType()!;
        if (target == typeof(string)) return null;
        if (Nullable.GetUnderlyingType(type) is not null && value.Length == 0) return null; // an empty value unsets a nullable
        if (target.IsEnum)
        {
            return Enum.GetNames(target).Any(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase))
                ? null
                : $"is not one of {string.Join(", ", Enum.GetNames(target))}";
        }
        try
        {
            TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException
                                      || e.InnerException is FormatException or OverflowException)
        {
            return Expected(target);
        }
    }

    private static string Expected(Type target) =>
        target == typeof(int) || target == typeof(long) || target == typeof(short) ? "is not a whole number"
        : target == typeof(double) || target == typeof(float) || target == typeof(decimal) ? "is not a number"
        : target == typeof(bool) ? "is not true or false"
        : target == typeof(TimeSpan) ? "is not a duration (hh:mm:ss, e.g. 00:00:30)"
        : $"is not a valid {target.Name}";
}
