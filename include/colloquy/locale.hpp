// Locale data: every word the core renders, in one place, with CLDR plural rules.
//
//   const auto& fr = colloquy::find_locale("fr-CA");   // French; unknown languages get English
//   colloquy::plural_form(fr, fr.hours_ago, 3)          // "il y a {n} heures"
//
// Adding a language: one locale_data below plus its entry in find_locale(). A field left out
// of a locale falls back to the English default written in the struct.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace colloquy {

// CLDR plural categories (https://cldr.unicode.org/index/cldr-spec/plural-rules); the rules
// below are CLDR's for integer counts, the only counts Colloquy shows.
enum class plural_category { one, few, many, other };

inline plural_category plural_en(int64_t n) { return n == 1 ? plural_category::one : plural_category::other; }
// French: one for 0 and 1; many for multiples of a million ("1 000 000 de commentaires").
inline plural_category plural_fr(int64_t n) {
  if (n == 0 || n == 1) return plural_category::one;
  return n % 1000000 == 0 ? plural_category::many : plural_category::other;
}
// Spanish: one for 1; many for non-zero multiples of a million.
inline plural_category plural_es(int64_t n) {
  if (n == 1) return plural_category::one;
  return n != 0 && n % 1000000 == 0 ? plural_category::many : plural_category::other;
}
// Russian: one (1, 21, 101 but not 11), few (2-4, 22-24 but not 12-14), many (the rest).
inline plural_category plural_ru(int64_t n) {
  int64_t d = n % 10, h = n % 100;
  if (d == 1 && h != 11) return plural_category::one;
  if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return plural_category::few;
  return plural_category::many;
}

// A text with a form per plural category; an empty form falls back to `other`. "{n}" is the count.
struct plural_text {
  std::string_view one, few, many, other;
};

struct locale_data {
  std::string_view tag = "en";  // BCP 47 language
  // The direction of its script, for the widget's root and a rendered section (dir): "ltr", or
  // "rtl" for a language written right to left (Arabic, Hebrew, Persian, Urdu).
  std::string_view dir = "ltr";
  plural_category (*plural)(int64_t) = plural_en;
  // Month names as used inside a full date (Russian uses the genitive: "25 сентября").
  std::array<std::string_view, 12> months = {"January", "February", "March",     "April",   "May",      "June",
                                             "July",    "August",   "September", "October", "November", "December"};
  std::string_view date_pattern = "{month} {day}, {year}";
  std::string_view byline = "{name} in {place} writes:";
  std::string_view byline_no_place = "{name} writes:";
  std::string_view anonymous = "Anonymous";
  std::string_view reply = "Reply";
  std::string_view more = "more";  // the story card's "… more" link
  std::string_view latest_stories = "Latest Stories";
  plural_text comments_count = {"{n} Comment", "", "", "{n} Comments"};
  std::string_view sort_label = "Sort by";
  std::string_view sort_oldest = "Oldest";
  std::string_view sort_newest = "Newest";
  std::string_view sort_top = "Top";
  std::string_view sort_hot = "Hot";
  std::string_view sort_controversial = "Controversial";
  std::string_view load_more = "Load more comments";
  // Said when comments arrive while the page is open (a button, then a polite announcement),
  // and when "Load more" has added some.
  plural_text new_comments = {"{n} new comment", "", "", "{n} new comments"};
  plural_text more_loaded = {"{n} more comment loaded", "", "", "{n} more comments loaded"};
  // A reply shown at the depth cap names whom it answers: {name} {place} {to}.
  std::string_view byline_reply = "{name} in {place}, replying to {to}:";
  std::string_view byline_reply_no_place = "{name}, replying to {to}:";
  std::string_view deleted = "This comment was deleted.";  // a deleted comment kept for its replies
  std::string_view just_now = "just now";
  plural_text minutes_ago = {"{n} minute ago", "", "", "{n} minutes ago"};
  plural_text hours_ago = {"{n} hour ago", "", "", "{n} hours ago"};
  plural_text days_ago = {"{n} day ago", "", "", "{n} days ago"};
  plural_text weeks_ago = {"{n} week ago", "", "", "{n} weeks ago"};
  plural_text months_ago = {"{n} month ago", "", "", "{n} months ago"};
  plural_text years_ago = {"{n} year ago", "", "", "{n} years ago"};
  // Messages the loader shows when something fails (it asks the core for them by code).
  std::string_view comments_unavailable = "Comments could not be loaded.";
  std::string_view comments_unusable = "Comments could not be shown.";
  std::string_view loading = "Loading comments\u2026";  // shown when loading takes a moment
  // Browser-storage mode (no comments server): said once, when the widget first shows.
  std::string_view local_only = "Comments you write here are kept in this browser only.";
  // Posting: the compose form, comments on their way to the server, draft errors.
  std::string_view compose_heading = "Leave a comment";
  std::string_view field_name = "Name";
  std::string_view field_location = "Location";
  std::string_view field_text = "Comment";
  std::string_view honeypot_label = "Leave this field empty";  // read only by screen readers and bots
  std::string_view preview_label = "Preview";
  std::string_view submit = "Post comment";
  std::string_view submit_reply = "Post reply";
  std::string_view cancel = "Cancel";
  std::string_view sending = "Sending\u2026";
  std::string_view not_sent = "Not sent yet";
  std::string_view retry = "Retry";
  std::string_view awaiting_moderation = "Awaiting moderation";
  // Accessible names (read by screen readers, not shown). Articles: {name}, {date} (the full
  // date, never "3 hours ago", which would go stale), {level} (1 at the top, 2 for a reply, …).
  std::string_view comment_label = "Comment by {name}, {date}";
  std::string_view reply_label = "Reply by {name}, level {level}, {date}";
  std::string_view deleted_label = "Deleted comment, {date}";
  std::string_view deleted_reply_label = "Deleted reply, level {level}, {date}";
  // The reply button's name: it starts with the button's text (`reply`), as speech input needs.
  std::string_view reply_to = "Reply to {name}";
  std::string_view skip_to_form = "Skip to the comment form";
  std::string_view reply_form_label = "Your reply";  // a reply form, as an article of the thread
  // Reader actions: the vote buttons' accessible names ({name}: whose comment; {n}: the count
  // they show, last: posting's script updates it there), the
  // permalink, edit and delete buttons, and the marker of an edited comment ({when}: its date).
  std::string_view vote_up = "Upvote the comment by {name}, {n}";
  std::string_view vote_down = "Downvote the comment by {name}, {n}";
  std::string_view link = "Link";
  std::string_view edit = "Edit";
  std::string_view delete_comment = "Delete";
  std::string_view edited = "edited {when}";
  // The link, edit and delete buttons' names, which say whose comment each is for (each begins
  // with its button's text, as speech input needs).
  std::string_view link_to = "Link to the comment by {name}";
  std::string_view edit_of = "Edit the comment by {name}";
  std::string_view delete_of = "Delete the comment by {name}";
};

inline constexpr locale_data locale_en{};

inline constexpr locale_data locale_fr{
    .tag = "fr",
    .plural = plural_fr,
    .months = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"},
    .date_pattern = "{day} {month} {year}",
    // Parentheses, not "de": French elides ("d'Ottawa") and that cannot be done for any place.
    .byline = "{name} ({place}) écrit\u202F:",
    .byline_no_place = "{name} écrit\u202F:",
    .anonymous = "Anonyme",
    .reply = "Répondre",
    .more = "suite",
    .latest_stories = "Derniers articles",
    .comments_count = {"{n} commentaire", "", "{n} de commentaires", "{n} commentaires"},
    .sort_label = "Trier par",
    .sort_oldest = "Plus anciens",
    .sort_newest = "Plus récents",
    .sort_top = "Meilleurs",
    .sort_hot = "Populaires",
    .sort_controversial = "Controversés",
    .load_more = "Afficher plus de commentaires",
    .new_comments = {"{n} nouveau commentaire", "", "{n} de nouveaux commentaires", "{n} nouveaux commentaires"},
    .more_loaded = {"{n} commentaire de plus chargé", "", "{n} de commentaires de plus chargés",
                    "{n} commentaires de plus chargés"},
    .byline_reply = "{name} ({place}), en réponse à {to}\u202F:",
    .byline_reply_no_place = "{name}, en réponse à {to}\u202F:",
    .deleted = "Ce commentaire a été supprimé.",
    .just_now = "à l’instant",
    .minutes_ago = {"il y a {n} minute", "", "il y a {n} de minutes", "il y a {n} minutes"},
    .hours_ago = {"il y a {n} heure", "", "il y a {n} d’heures", "il y a {n} heures"},
    .days_ago = {"il y a {n} jour", "", "il y a {n} de jours", "il y a {n} jours"},
    .weeks_ago = {"il y a {n} semaine", "", "il y a {n} de semaines", "il y a {n} semaines"},
    .months_ago = {"il y a {n} mois", "", "il y a {n} de mois", "il y a {n} mois"},
    .years_ago = {"il y a {n} an", "", "il y a {n} d’ans", "il y a {n} ans"},
    .comments_unavailable = "Impossible de charger les commentaires.",
    .comments_unusable = "Impossible d’afficher les commentaires.",
    .loading = "Chargement des commentaires\u2026",
    .local_only = "Les commentaires écrits ici sont gardés dans ce navigateur uniquement.",
    .compose_heading = "Laisser un commentaire",
    .field_name = "Nom",
    .field_location = "Lieu",
    .field_text = "Commentaire",
    .honeypot_label = "Laissez ce champ vide",
    .preview_label = "Aperçu",
    .submit = "Publier le commentaire",
    .submit_reply = "Publier la réponse",
    .cancel = "Annuler",
    .sending = "Envoi\u2026",
    .not_sent = "Pas encore envoyé",
    .retry = "Réessayer",
    .awaiting_moderation = "En attente de modération",
    .comment_label = "Commentaire de {name}, {date}",
    .reply_label = "Réponse de {name}, niveau {level}, {date}",
    .deleted_label = "Commentaire supprimé, {date}",
    .deleted_reply_label = "Réponse supprimée, niveau {level}, {date}",
    .reply_to = "Répondre à {name}",
    .skip_to_form = "Aller au formulaire de commentaire",
    .reply_form_label = "Votre réponse",
    .vote_up = "Voter pour le commentaire de {name}, {n}",
    .vote_down = "Voter contre le commentaire de {name}, {n}",
    .link = "Lien",
    .edit = "Modifier",
    .delete_comment = "Supprimer",
    .edited = "modifié {when}",
    .link_to = "Lien vers le commentaire de {name}",
    .edit_of = "Modifier le commentaire de {name}",
    .delete_of = "Supprimer le commentaire de {name}",
};

inline constexpr locale_data locale_de{
    .tag = "de",
    .plural = plural_en,  // German has the same integer rule as English: one for 1
    .months = {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
               "November", "Dezember"},
    .date_pattern = "{day}. {month} {year}",
    .byline = "{name} aus {place} schreibt:",
    .byline_no_place = "{name} schreibt:",
    .anonymous = "Anonym",
    .reply = "Antworten",
    .more = "mehr",
    .latest_stories = "Neueste Beiträge",
    .comments_count = {"{n} Kommentar", "", "", "{n} Kommentare"},
    .sort_label = "Sortieren nach",
    .sort_oldest = "Älteste",
    .sort_newest = "Neueste",
    .sort_top = "Beste",
    .sort_hot = "Beliebt",
    .sort_controversial = "Umstritten",
    .load_more = "Weitere Kommentare laden",
    .new_comments = {"{n} neuer Kommentar", "", "", "{n} neue Kommentare"},
    .more_loaded = {"{n} weiterer Kommentar geladen", "", "", "{n} weitere Kommentare geladen"},
    .byline_reply = "{name} aus {place}, als Antwort an {to}:",
    .byline_reply_no_place = "{name}, als Antwort an {to}:",
    .deleted = "Dieser Kommentar wurde gelöscht.",
    .just_now = "gerade eben",
    .minutes_ago = {"vor {n} Minute", "", "", "vor {n} Minuten"},
    .hours_ago = {"vor {n} Stunde", "", "", "vor {n} Stunden"},
    .days_ago = {"vor {n} Tag", "", "", "vor {n} Tagen"},
    .weeks_ago = {"vor {n} Woche", "", "", "vor {n} Wochen"},
    .months_ago = {"vor {n} Monat", "", "", "vor {n} Monaten"},
    .years_ago = {"vor {n} Jahr", "", "", "vor {n} Jahren"},
    .comments_unavailable = "Die Kommentare konnten nicht geladen werden.",
    .comments_unusable = "Die Kommentare konnten nicht angezeigt werden.",
    .loading = "Kommentare werden geladen\u2026",
    .local_only = "Kommentare, die Sie hier schreiben, werden nur in diesem Browser gespeichert.",
    .compose_heading = "Einen Kommentar schreiben",
    .field_name = "Name",
    .field_location = "Ort",
    .field_text = "Kommentar",
    .honeypot_label = "Dieses Feld leer lassen",
    .preview_label = "Vorschau",
    .submit = "Kommentar senden",
    .submit_reply = "Antwort senden",
    .cancel = "Abbrechen",
    .sending = "Wird gesendet\u2026",
    .not_sent = "Noch nicht gesendet",
    .retry = "Erneut versuchen",
    .awaiting_moderation = "Wartet auf Freigabe",
    .comment_label = "Kommentar von {name}, {date}",
    .reply_label = "Antwort von {name}, Ebene {level}, {date}",
    .deleted_label = "Gelöschter Kommentar, {date}",
    .deleted_reply_label = "Gelöschte Antwort, Ebene {level}, {date}",
    .reply_to = "Antworten an {name}",
    .skip_to_form = "Zum Kommentarformular springen",
    .reply_form_label = "Ihre Antwort",
    .vote_up = "Positiv bewerten: Kommentar von {name}, {n}",
    .vote_down = "Negativ bewerten: Kommentar von {name}, {n}",
    .link = "Link",
    .edit = "Bearbeiten",
    .delete_comment = "Löschen",
    .edited = "bearbeitet {when}",
    .link_to = "Link zum Kommentar von {name}",
    .edit_of = "Bearbeiten: Kommentar von {name}",
    .delete_of = "Löschen: Kommentar von {name}",
};

inline constexpr locale_data locale_es{
    .tag = "es",
    .plural = plural_es,
    .months = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
               "noviembre", "diciembre"},
    .date_pattern = "{day} de {month} de {year}",
    .byline = "{name}, de {place}, escribe:",
    .byline_no_place = "{name} escribe:",
    .anonymous = "Anónimo",
    .reply = "Responder",
    .more = "más",
    .latest_stories = "Últimas historias",
    .comments_count = {"{n} comentario", "", "{n} de comentarios", "{n} comentarios"},
    .sort_label = "Ordenar por",
    .sort_oldest = "Más antiguos",
    .sort_newest = "Más recientes",
    .sort_top = "Mejores",
    .sort_hot = "Populares",
    .sort_controversial = "Polémicos",
    .load_more = "Cargar más comentarios",
    .new_comments = {"{n} comentario nuevo", "", "{n} de comentarios nuevos", "{n} comentarios nuevos"},
    .more_loaded = {"{n} comentario más cargado", "", "{n} de comentarios más cargados", "{n} comentarios más cargados"},
    .byline_reply = "{name}, de {place}, en respuesta a {to}:",
    .byline_reply_no_place = "{name}, en respuesta a {to}:",
    .deleted = "Este comentario fue eliminado.",
    .just_now = "ahora mismo",
    .minutes_ago = {"hace {n} minuto", "", "hace {n} de minutos", "hace {n} minutos"},
    .hours_ago = {"hace {n} hora", "", "hace {n} de horas", "hace {n} horas"},
    .days_ago = {"hace {n} día", "", "hace {n} de días", "hace {n} días"},
    .weeks_ago = {"hace {n} semana", "", "hace {n} de semanas", "hace {n} semanas"},
    .months_ago = {"hace {n} mes", "", "hace {n} de meses", "hace {n} meses"},
    .years_ago = {"hace {n} año", "", "hace {n} de años", "hace {n} años"},
    .comments_unavailable = "No se pudieron cargar los comentarios.",
    .comments_unusable = "No se pudieron mostrar los comentarios.",
    .loading = "Cargando comentarios\u2026",
    .local_only = "Los comentarios que escribas aquí se guardan solo en este navegador.",
    .compose_heading = "Deja un comentario",
    .field_name = "Nombre",
    .field_location = "Lugar",
    .field_text = "Comentario",
    .honeypot_label = "Deja este campo vacío",
    .preview_label = "Vista previa",
    .submit = "Publicar comentario",
    .submit_reply = "Publicar respuesta",
    .cancel = "Cancelar",
    .sending = "Enviando\u2026",
    .not_sent = "Aún no enviado",
    .retry = "Reintentar",
    .awaiting_moderation = "Pendiente de moderación",
    .comment_label = "Comentario de {name}, {date}",
    .reply_label = "Respuesta de {name}, nivel {level}, {date}",
    .deleted_label = "Comentario eliminado, {date}",
    .deleted_reply_label = "Respuesta eliminada, nivel {level}, {date}",
    .reply_to = "Responder a {name}",
    .skip_to_form = "Ir al formulario de comentarios",
    .reply_form_label = "Tu respuesta",
    .vote_up = "Votar a favor del comentario de {name}, {n}",
    .vote_down = "Votar en contra del comentario de {name}, {n}",
    .link = "Enlace",
    .edit = "Editar",
    .delete_comment = "Eliminar",
    .edited = "editado {when}",
    .link_to = "Enlace al comentario de {name}",
    .edit_of = "Editar el comentario de {name}",
    .delete_of = "Eliminar el comentario de {name}",
};

inline constexpr locale_data locale_ru{
    .tag = "ru",
    .plural = plural_ru,
    .months = {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
               "ноября", "декабря"},
    .date_pattern = "{day} {month} {year}\u00A0г.",
    // Parentheses: "из Канзаса" would need the place declined, which cannot be done for any place.
    .byline = "{name} ({place}) пишет:",
    .byline_no_place = "{name} пишет:",
    .anonymous = "Аноним",
    .reply = "Ответить",
    .more = "далее",
    .latest_stories = "Последние статьи",
    .comments_count = {"{n} комментарий", "{n} комментария", "{n} комментариев", "{n} комментария"},
    .sort_label = "Сортировка",
    .sort_oldest = "Сначала старые",
    .sort_newest = "Сначала новые",
    .sort_top = "Лучшие",
    .sort_hot = "Популярные",
    .sort_controversial = "Спорные",
    .load_more = "Показать ещё комментарии",
    .new_comments = {"{n} новый комментарий", "{n} новых комментария", "{n} новых комментариев",
                     "{n} новых комментария"},
    .more_loaded = {"Загружен ещё {n} комментарий", "Загружено ещё {n} комментария", "Загружено ещё {n} комментариев",
                    "Загружено ещё {n} комментария"},
    .byline_reply = "{name} ({place}) отвечает {to}:",
    .byline_reply_no_place = "{name} отвечает {to}:",
    .deleted = "Комментарий удалён.",
    .just_now = "только что",
    .minutes_ago = {"{n} минуту назад", "{n} минуты назад", "{n} минут назад", "{n} минуты назад"},
    .hours_ago = {"{n} час назад", "{n} часа назад", "{n} часов назад", "{n} часа назад"},
    .days_ago = {"{n} день назад", "{n} дня назад", "{n} дней назад", "{n} дня назад"},
    .weeks_ago = {"{n} неделю назад", "{n} недели назад", "{n} недель назад", "{n} недели назад"},
    .months_ago = {"{n} месяц назад", "{n} месяца назад", "{n} месяцев назад", "{n} месяца назад"},
    .years_ago = {"{n} год назад", "{n} года назад", "{n} лет назад", "{n} года назад"},
    .comments_unavailable = "Не удалось загрузить комментарии.",
    .comments_unusable = "Не удалось показать комментарии.",
    .loading = "Загрузка комментариев\u2026",
    .local_only = "Комментарии, написанные здесь, хранятся только в этом браузере.",
    .compose_heading = "Оставить комментарий",
    .field_name = "Имя",
    .field_location = "Откуда вы",
    .field_text = "Комментарий",
    .honeypot_label = "Оставьте это поле пустым",
    .preview_label = "Предпросмотр",
    .submit = "Отправить комментарий",
    .submit_reply = "Отправить ответ",
    .cancel = "Отмена",
    .sending = "Отправка\u2026",
    .not_sent = "Ещё не отправлено",
    .retry = "Повторить",
    .awaiting_moderation = "Ожидает проверки",
    // "Комментарий: {name}": the name cannot be declined, so no "от" + genitive.
    .comment_label = "Комментарий: {name}, {date}",
    .reply_label = "Ответ: {name}, уровень {level}, {date}",
    .deleted_label = "Удалённый комментарий, {date}",
    .deleted_reply_label = "Удалённый ответ, уровень {level}, {date}",
    .reply_to = "Ответить: {name}",
    .skip_to_form = "Перейти к форме комментария",
    .reply_form_label = "Ваш ответ",
    .vote_up = "Нравится комментарий: {name}, {n}",
    .vote_down = "Не нравится комментарий: {name}, {n}",
    .link = "Ссылка",
    .edit = "Изменить",
    .delete_comment = "Удалить",
    .edited = "изменено {when}",
    .link_to = "Ссылка на комментарий: {name}",
    .edit_of = "Изменить комментарий: {name}",
    .delete_of = "Удалить комментарий: {name}",
};

// Every built-in locale, English first.
inline constexpr const locale_data* all_locales[] = {&locale_en, &locale_fr, &locale_de, &locale_es, &locale_ru};
#if defined(COLLOQUY_LOCALE)
// A widget module for one language (wasm/CMakeLists.txt): English, the fallback, and the
// language tagged COLLOQUY_LOCALE ("fr"). The others' words are left out: a page loads the
// module of its language.
consteval const locale_data* built_in_locale(std::string_view tag) {
  for (const locale_data* l : all_locales)
    if (l->tag == tag) return l;
  return nullptr;
}
static_assert(built_in_locale(COLLOQUY_LOCALE), "COLLOQUY_LOCALE names no built-in locale");
inline constexpr const locale_data* locales[] = {&locale_en, built_in_locale(COLLOQUY_LOCALE)};
#else
inline constexpr const auto& locales = all_locales;
#endif

// The built-in locale for a language tag ("fr", "fr-CA", "RU"), or nullptr.
inline const locale_data* locale_for(std::string_view tag) {
  std::string lang;
  for (char c : tag.substr(0, tag.find_first_of("-_"))) lang += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  for (const locale_data* l : locales)
    if (l->tag == lang) return l;
  return nullptr;
}

// The locale for a language tag; English when the language is not here.
inline const locale_data& find_locale(std::string_view tag) {
  const locale_data* l = locale_for(tag);
  return l ? *l : locale_en;
}

// What only the posting module says: a reader changing their own comment (edit, delete), the
// posting status, the Link button's clipboard words, a failed vote and a draft's problems. They
// are a table of their own: in locale_data, the reading module would carry them too.
struct action_words {
  std::string_view tag = "en";
  std::string_view edit_label = "Edit your comment";  // the edit form, as an article of the thread
  std::string_view save = "Save";
  std::string_view delete_question = "Delete this comment?";  // the inline confirmation
  std::string_view saved = "Comment updated";                 // said by the live region
  std::string_view removed = "Comment deleted";
  // A change that did not reach the server (no network, no answer, a 5xx): nothing changed.
  std::string_view change_failed = "Your change could not be saved. Please try again.";
  std::string_view error_bad_token = "This comment can no longer be changed from this browser.";
  std::string_view error_window_closed = "The time for changing this comment is over.";
  std::string_view comment_posted = "Comment posted";  // said by the posting status (a live region)
  // The Link button: said once the comment's URL is on the clipboard, or the label of a field
  // holding it, selected, when the browser refuses the clipboard.
  std::string_view link_copied = "Link copied";
  std::string_view copy_link = "Copy this link:";
  std::string_view vote_failed = "Your vote could not be saved.";  // the vote is undone
  std::string_view error_text_required = "Please write a comment.";
  std::string_view error_text_too_long = "This comment is too long.";
  std::string_view error_name_too_long = "This name is too long.";
  std::string_view error_location_too_long = "This location is too long.";
  std::string_view error_rejected = "This comment could not be posted ({code}).";  // any other refusal
  std::string_view error_storage_refused =
      "Your browser did not let us save this comment (private browsing or full storage).";
  std::string_view error_bad_answer =
      "The comments server gave an answer that could not be read; this comment may not have been posted.";
};

inline constexpr action_words action_words_en{};
inline constexpr action_words action_words_fr{
    .tag = "fr",
    .edit_label = "Modifier votre commentaire",
    .save = "Enregistrer",
    .delete_question = "Supprimer ce commentaire\u202F?",
    .saved = "Commentaire modifié",
    .removed = "Commentaire supprimé",
    .change_failed = "Votre modification n’a pas pu être enregistrée. Veuillez réessayer.",
    .error_bad_token = "Ce commentaire ne peut plus être modifié depuis ce navigateur.",
    .error_window_closed = "Le délai pour modifier ce commentaire est passé.",
    .comment_posted = "Commentaire publié",
    .link_copied = "Lien copié",
    .copy_link = "Copiez ce lien\u202F:",
    .vote_failed = "Votre vote n’a pas pu être enregistré.",
    .error_text_required = "Veuillez écrire un commentaire.",
    .error_text_too_long = "Ce commentaire est trop long.",
    .error_name_too_long = "Ce nom est trop long.",
    .error_location_too_long = "Ce lieu est trop long.",
    .error_rejected = "Ce commentaire n’a pas pu être publié ({code}).",
    .error_storage_refused =
        "Votre navigateur n’a pas permis d’enregistrer ce commentaire (navigation privée ou stockage plein).",
    .error_bad_answer =
        "La réponse du serveur de commentaires est illisible\u202F; ce commentaire n’a peut-être pas été publié.",
};
inline constexpr action_words action_words_de{
    .tag = "de",
    .edit_label = "Kommentar bearbeiten",
    .save = "Speichern",
    .delete_question = "Diesen Kommentar löschen?",
    .saved = "Kommentar geändert",
    .removed = "Kommentar gelöscht",
    .change_failed = "Ihre Änderung konnte nicht gespeichert werden. Bitte versuchen Sie es erneut.",
    .error_bad_token = "Dieser Kommentar kann von diesem Browser aus nicht mehr geändert werden.",
    .error_window_closed = "Die Frist zum Ändern dieses Kommentars ist abgelaufen.",
    .comment_posted = "Kommentar gesendet",
    .link_copied = "Link kopiert",
    .copy_link = "Diesen Link kopieren:",
    .vote_failed = "Ihre Stimme konnte nicht gespeichert werden.",
    .error_text_required = "Bitte schreiben Sie einen Kommentar.",
    .error_text_too_long = "Dieser Kommentar ist zu lang.",
    .error_name_too_long = "Dieser Name ist zu lang.",
    .error_location_too_long = "Diese Ortsangabe ist zu lang.",
    .error_rejected = "Dieser Kommentar konnte nicht gesendet werden ({code}).",
    .error_storage_refused =
        "Ihr Browser hat das Speichern dieses Kommentars nicht erlaubt (privates Surfen oder Speicher voll).",
    .error_bad_answer =
        "Die Antwort des Kommentarservers war nicht lesbar; dieser Kommentar wurde möglicherweise nicht gesendet.",
};
inline constexpr action_words action_words_es{
    .tag = "es",
    .edit_label = "Editar tu comentario",
    .save = "Guardar",
    .delete_question = "¿Eliminar este comentario?",
    .saved = "Comentario actualizado",
    .removed = "Comentario eliminado",
    .change_failed = "No se pudo guardar tu cambio. Inténtalo de nuevo.",
    .error_bad_token = "Este comentario ya no se puede cambiar desde este navegador.",
    .error_window_closed = "El plazo para cambiar este comentario ha terminado.",
    .comment_posted = "Comentario publicado",
    .link_copied = "Enlace copiado",
    .copy_link = "Copia este enlace:",
    .vote_failed = "No se pudo guardar tu voto.",
    .error_text_required = "Escribe un comentario.",
    .error_text_too_long = "Este comentario es demasiado largo.",
    .error_name_too_long = "Este nombre es demasiado largo.",
    .error_location_too_long = "Este lugar es demasiado largo.",
    .error_rejected = "No se pudo publicar este comentario ({code}).",
    .error_storage_refused =
        "Tu navegador no permitió guardar este comentario (navegación privada o almacenamiento lleno).",
    .error_bad_answer =
        "La respuesta del servidor de comentarios no se pudo leer; puede que este comentario no se haya publicado.",
};
inline constexpr action_words action_words_ru{
    .tag = "ru",
    .edit_label = "Изменить комментарий",
    .save = "Сохранить",
    .delete_question = "Удалить этот комментарий?",
    .saved = "Комментарий изменён",
    .removed = "Комментарий удалён",
    .change_failed = "Не удалось сохранить изменение. Попробуйте ещё раз.",
    .error_bad_token = "Этот комментарий больше нельзя изменить из этого браузера.",
    .error_window_closed = "Время на изменение этого комментария истекло.",
    .comment_posted = "Комментарий опубликован",
    .link_copied = "Ссылка скопирована",
    .copy_link = "Скопируйте ссылку:",
    .vote_failed = "Не удалось сохранить голос.",
    .error_text_required = "Напишите комментарий.",
    .error_text_too_long = "Комментарий слишком длинный.",
    .error_name_too_long = "Имя слишком длинное.",
    .error_location_too_long = "Место слишком длинное.",
    .error_rejected = "Не удалось отправить комментарий ({code}).",
    .error_storage_refused = "Браузер не разрешил сохранить комментарий (приватный режим или хранилище заполнено).",
    .error_bad_answer = "Ответ сервера комментариев не удалось прочитать; возможно, комментарий не отправлен.",
};

// The action words in `loc`'s language (English for a language without them).
inline const action_words& find_action_words(const locale_data& loc) {
  for (const action_words* w : {&action_words_fr, &action_words_de, &action_words_es, &action_words_ru})
    if (w->tag == loc.tag) return *w;
  return action_words_en;
}

// Whether the tag's language is built in (else find_locale answers English).
inline bool has_locale(std::string_view tag) { return locale_for(tag) != nullptr; }

// The form of `text` for the count `n` in this locale.
inline std::string_view plural_form(const locale_data& loc, const plural_text& text, int64_t n) {
  std::string_view form;
  switch (loc.plural(n)) {
    case plural_category::one: form = text.one; break;
    case plural_category::few: form = text.few; break;
    case plural_category::many: form = text.many; break;
    case plural_category::other: break;
  }
  return form.empty() ? text.other : form;
}

// Replaces each "{key}" in `pattern` by what `emit_key(key)` appends to `out`, so callers choose
// the escaping of each value; the pattern's own text is trusted (it comes from this file).
template <class Emit>
void expand_pattern(std::string_view pattern, Emit&& emit_key, std::string& out) {
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    auto open = pattern.find('{', pos);
    if (open == std::string_view::npos) break;
    auto close = pattern.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(pattern.substr(pos, open - pos));
    emit_key(pattern.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  out.append(pattern.substr(pos));
}

}  // namespace colloquy
