"""Each page's URL path and the heading it shows: the browser tests and the first-paint
benchmark wait for it, so both read it from here."""

HEADINGS = {
    "": "Syria conflict claims",
    "map": "Province map",
    "timeline": "Timeline",
    "who-says-what": "Who says what",
    "claims": "Claims explorer",
    "articles": "Articles",
    "review": "Review claims",
}
