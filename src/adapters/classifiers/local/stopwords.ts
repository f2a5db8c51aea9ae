/** Function words that say nothing about a document's kind or topic. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren as at be because been before being
 below between both but by can cannot could couldn did didn do does doesn doing don down during each few
 for from further had hadn has hasn have haven having he her here hers herself him himself his how i if
 in into is isn it its itself just ll me more most mustn my myself no nor not now of off on once only or
 other our ours ourselves out over own re s same shan she should shouldn so some such t than that the
 their theirs them themselves then there these they this those through to too under until up us ve very
 was wasn we were weren what when where which while who whom why will with won would wouldn you your
 yours yourself yourselves d m o y ain mr mrs ms dr st th nd rd etc eg ie via per upon yet whether
 within without among amongst across along around onto toward towards whose whoever whatever however
 therefore thus hence also although though unless since even ever every either neither may might must
 shall let lets get gets got one two three four five six seven eight nine ten`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/**
 * Words a user writes when describing a classification that say nothing about the documents themselves
 * ("Documents that contain ...", "any other kind of file"). They are dropped from profiles, never from documents.
 */
export const DESCRIPTION_FILLER: ReadonlySet<string> = new Set(
  `document documents doc docs file files page pages type types kind kinds category categories class classes
 classification classifications classify classified contain contains containing contained include includes
 including included related relating regarding concerning usually typically often generally mostly mainly
 sometimes such like e.g various variety else anything something everything nothing none misc miscellaneous
 unknown unclassified remaining rest fit fits fitting match matches matching belong belongs above below
 listed given use used using item items thing things should must want wanted anyone someone example examples
 describe describes describing description cover covers covering mention mentions mentioning`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/**
 * Frequent English content words: they appear in most documents of every kind, so a profile that happens to
 * contain them should not gain much from them. Matched after stemming.
 */
export const COMMON_WORDS: readonly string[] =
  `said say says saying year years new time times people make makes made
 way ways day days week weeks month months good well first last just know known take took taken see seen
 come came go going went want use used work works worked find found give given tell told think thought
 look looked thing things man men woman women world life many much back still long great little old right
 big high different small large next early young important few public bad same able case point 
 part place end group problem fact hand eye lot ask asked need needed feel try tried leave left
 put mean keep kept begin began help show showed shown hear heard turn run move live believe bring
 happen provide sit stand lose meet include continue set learn change lead understand follow
 stop create speak allow add spend grow open walk remember consider appear wait serve send
 expect stay fall cut reach remain suggest raise pass require decide pull also
 around however another around today yesterday tomorrow later ago already really near far best better
 whole real full certain clear likely possible top sure hard low late major among least less main
 area today including told according added already since told`
    .split(/\s+/)
    .filter((w) => w.length > 0);
