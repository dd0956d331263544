/* Number and text formats of the tables (Dash AG Grid), the same as core/text.format_number. */
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

/* 1234567.8 -> "1 234 567,8" (uk, no-break spaces) or "1,234,567.8" (en); blank -> noData. */
dagfuncs.atlasNumber = function (value, decimals, lang, noData) {
    if (value === null || value === undefined || value === "" || !Number.isFinite(Number(value))) {
        return noData;
    }
    const text = Number(value).toFixed(decimals);
    const negative = text.startsWith("-");
    const parts = (negative ? text.slice(1) : text).split(".");
    const whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, lang === "uk" ? "\u00a0" : ",");
    const fraction = parts.length > 1 ? (lang === "uk" ? "," : ".") + parts[1] : "";
    return (negative ? "-" : "") + whole + fraction;
};

/* A number typed in a filter box the user's way: "1 000 000", "2,5" (uk) or "1,000,000", "2.5" (en). */
dagfuncs.atlasParseNumber = function (text, lang) {
    if (text === null || text === undefined) {
        return null;
    }
    let cleaned = String(text).replace(/[\s\u00a0\u202f]/g, "");
    if (cleaned === "") {
        return null;
    }
    cleaned = lang === "uk" ? cleaned.replace(",", ".") : cleaned.replace(/,/g, "");
    const number = Number(cleaned);
    return Number.isFinite(number) ? number : null;
};

dagfuncs.atlasText = function (value, noData) {
    return value === null || value === undefined ? noData : String(value);
};
