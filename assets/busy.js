/* Feedback on waits: when an answer of the server (a Dash callback) takes more than 300 ms, a bar
   ("Зачекайте…") shows at the top of the page and the pointer says "busy", until every answer is in.
   Background jobs' polls are left out: their pages show their own progress bars. */
(function () {
    const DELAY_MS = 300;
    const original = window.fetch;
    let pending = 0;
    let timer = null;
    let quietSince = 0; /* when the last answer came in with none other awaited */
    window.atlasBusyLog = []; /* {ms, shown, alone} per answer: what the browser test reads */

    function busy(on) {
        document.body.classList.toggle("atlas-busy", on);
        const bar = document.getElementById("app-busy");
        if (bar) { bar.hidden = !on; }
    }

    window.fetch = function (input, init) {
        const url = typeof input === "string" ? input : (input && input.url) || "";
        if (url.indexOf("_dash-update-component") < 0 || url.indexOf("cacheKey=") >= 0) {
            return original.apply(this, arguments);
        }
        const started = performance.now();
        pending += 1;
        if (pending === 1) { timer = setTimeout(() => busy(true), DELAY_MS); }
        const done = () => {
            window.atlasBusyLog.push({
                ms: performance.now() - started,
                shown: document.body.classList.contains("atlas-busy"),
                alone: pending === 1 && started >= quietSince  /* no other answer was awaited meanwhile */
            });
            pending -= 1;
            if (pending === 0) { clearTimeout(timer); busy(false); quietSince = performance.now(); }
        };
        return original.apply(this, arguments).then(
            (response) => { done(); return response; },
            (error) => { done(); throw error; }
        );
    };
})();
